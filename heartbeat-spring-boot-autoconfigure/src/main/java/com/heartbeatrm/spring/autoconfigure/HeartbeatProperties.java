package com.heartbeatrm.spring.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/** Configuration of the HeartbeatRM enrollment server embedded in a Spring Boot application ({@code heartbeat.*}). */
@ConfigurationProperties(prefix = "heartbeat")
public class HeartbeatProperties {
    /**
     * The name of this deployment in every token and credential: the same on every node and in the CLI that issues
     * installers for the same database.
     */
    private String issuer = "heartbeatrm-reference";

    /**
     * The key-encryption key that wraps the signing keys in the store: 32 bytes, base64. Typically from the
     * environment (HEARTBEAT_KEY_ENCRYPTION_KEY). Ignored when a KeyEncryptionKey bean exists.
     */
    private @Nullable String keyEncryptionKey;

    /** A file holding the 32-byte key-encryption key (the reference CLI's DATA/kek.bin). Used when key-encryption-key is not set. */
    private @Nullable Path keyEncryptionKeyFile;

    /** The id under which the key-encryption key wraps keys; the reference CLI uses "reference-kek". */
    private String keyEncryptionKeyId = "reference-kek";

    /**
     * The enrollment service's base URLs that new installers name (each ending in "/", for example
     * https://rmm.example.com/v1/); empty when this application only serves enrollment and never issues installers.
     */
    private List<URI> endpoints = new ArrayList<>();

    /** The SPKI SHA-256 pins (base64url) of this server's TLS keys, named in new installers. */
    private List<String> tlsPins = new ArrayList<>();

    /**
     * When tls-pins is empty: the SSL bundle whose key's certificate new installers pin. Defaults to server.ssl.bundle;
     * without one, the certificate of server.ssl.certificate; without either, installers pin no TLS key.
     */
    private @Nullable String tlsBundle;

    private final Enrollment enrollment = new Enrollment();
    private final AdminApi adminApi = new AdminApi();
    private final IssuerKeys issuerKeys = new IssuerKeys();
    @NestedConfigurationProperty
    private final HeartbeatStoreProperties store = new HeartbeatStoreProperties();
    @NestedConfigurationProperty
    private final HeartbeatRetentionProperties retention = new HeartbeatRetentionProperties();

    /**
     * The name of this deployment in every token and credential: the same on every node and in the CLI that issues
     * installers for the same database.
     *
     * @return the issuer name, {@code heartbeatrm-reference} by default
     */
    public String getIssuer() {
        return issuer;
    }

    /**
     * Sets {@code heartbeat.issuer}.
     *
     * @param issuer the deployment's name, the same on every node
     */
    public void setIssuer(String issuer) {
        this.issuer = issuer;
    }

    /**
     * The key-encryption key that wraps the signing keys in the store: 32 bytes, base64. Typically from the
     * environment (HEARTBEAT_KEY_ENCRYPTION_KEY). Ignored when a KeyEncryptionKey bean exists. A secret: never logged,
     * left out of {@link #toString()}.
     *
     * @return the key in base64, or null when not set
     */
    public @Nullable String getKeyEncryptionKey() {
        return keyEncryptionKey;
    }

    /**
     * Sets {@code heartbeat.key-encryption-key}.
     *
     * @param keyEncryptionKey 32 bytes in base64, or null
     */
    public void setKeyEncryptionKey(@Nullable String keyEncryptionKey) {
        this.keyEncryptionKey = keyEncryptionKey;
    }

    /**
     * A file holding the 32-byte key-encryption key (the reference CLI's DATA/kek.bin). Used when key-encryption-key is
     * not set.
     *
     * @return the file, or null when not set
     */
    public @Nullable Path getKeyEncryptionKeyFile() {
        return keyEncryptionKeyFile;
    }

    /**
     * Sets {@code heartbeat.key-encryption-key-file}.
     *
     * @param keyEncryptionKeyFile the file, or null
     */
    public void setKeyEncryptionKeyFile(@Nullable Path keyEncryptionKeyFile) {
        this.keyEncryptionKeyFile = keyEncryptionKeyFile;
    }

    /**
     * The id under which the key-encryption key wraps keys; the reference CLI uses "reference-kek".
     *
     * @return the key-encryption key's id
     */
    public String getKeyEncryptionKeyId() {
        return keyEncryptionKeyId;
    }

    /**
     * Sets {@code heartbeat.key-encryption-key-id}.
     *
     * @param keyEncryptionKeyId the id, the same on every node sharing the store
     */
    public void setKeyEncryptionKeyId(String keyEncryptionKeyId) {
        this.keyEncryptionKeyId = keyEncryptionKeyId;
    }

    /**
     * The enrollment service's base URLs that new installers name (each ending in "/", for example
     * https://rmm.example.com/v1/); empty when this application only serves enrollment and never issues installers.
     *
     * @return the URLs, a mutable list that binding fills
     */
    public List<URI> getEndpoints() {
        return endpoints;
    }

    /**
     * Sets {@code heartbeat.endpoints}.
     *
     * @param endpoints the base URLs, each ending in "/"
     */
    public void setEndpoints(List<URI> endpoints) {
        this.endpoints = endpoints;
    }

    /**
     * The SPKI SHA-256 pins (base64url) of this server's TLS keys, named in new installers.
     *
     * @return the pins, a mutable list that binding fills; empty to derive them from {@link #getTlsBundle()}
     */
    public List<String> getTlsPins() {
        return tlsPins;
    }

    /**
     * Sets {@code heartbeat.tls-pins}.
     *
     * @param tlsPins SPKI SHA-256 pins in base64url
     */
    public void setTlsPins(List<String> tlsPins) {
        this.tlsPins = tlsPins;
    }

    /**
     * When tls-pins is empty: the SSL bundle whose key's certificate new installers pin. Defaults to server.ssl.bundle;
     * without one, the certificate of server.ssl.certificate; without either, installers pin no TLS key.
     *
     * @return the bundle name, or null when not set
     */
    public @Nullable String getTlsBundle() {
        return tlsBundle;
    }

    /**
     * Sets {@code heartbeat.tls-bundle}.
     *
     * @param tlsBundle the name of a Spring Boot SSL bundle, or null
     */
    public void setTlsBundle(@Nullable String tlsBundle) {
        this.tlsBundle = tlsBundle;
    }

    /**
     * The enrollment endpoints ({@code heartbeat.enrollment.*}): served at /v1 by default.
     *
     * @return the enrollment endpoint's settings
     */
    public Enrollment getEnrollment() {
        return enrollment;
    }

    /**
     * The admin JSON API ({@code heartbeat.admin-api.*}): not served by default.
     *
     * @return the admin API's settings
     */
    public AdminApi getAdminApi() {
        return adminApi;
    }

    /**
     * The store ({@code heartbeat.store.*}): the JDBC store by default.
     *
     * @return the store's settings
     */
    public HeartbeatStoreProperties getStore() {
        return store;
    }

    /**
     * The issuer key set ({@code heartbeat.issuer-keys.*}): not served by default.
     *
     * @return the issuer key set endpoint's settings
     */
    public IssuerKeys getIssuerKeys() {
        return issuerKeys;
    }

    /**
     * The retention sweeper ({@code heartbeat.retention.*}): on by default.
     *
     * @return the sweeper's settings
     */
    public HeartbeatRetentionProperties getRetention() {
        return retention;
    }

    /** A path with one leading and no trailing "/". */
    static String normalized(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.startsWith("/") ? p : "/" + p;
    }

    @Override
    public String toString() {
        return "HeartbeatProperties[" + issuer + ", key-encryption key redacted]";
    }

    /**
     * An endpoint that is served or not, at a path: the enrollment endpoints, the admin API and the issuer key set.
     * Each property's own description is in META-INF/additional-spring-configuration-metadata.json.
     */
    public abstract static class Endpoint {
        /** Whether to serve the endpoint. */
        private boolean enabled;

        /** Where the endpoint is mounted. */
        private String path;

        /**
         * An endpoint with its defaults.
         *
         * @param enabled whether it is served unless configured otherwise
         * @param path where it is mounted unless configured otherwise
         */
        protected Endpoint(boolean enabled, String path) {
            this.enabled = enabled;
            this.path = path;
        }

        /**
         * Whether the endpoint is served.
         *
         * @return true when it is served
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Serves the endpoint or not.
         *
         * @param enabled whether to serve it
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * Where the endpoint is mounted.
         *
         * @return the path below the application's context path
         */
        public String getPath() {
            return path;
        }

        /**
         * Mounts the endpoint at {@code path}.
         *
         * @param path the path; a missing leading "/" is added, a trailing one dropped
         */
        public void setPath(String path) {
            this.path = path;
        }
    }

    /** The enrollment protocol's endpoints. */
    public static class Enrollment extends Endpoint {
        /** The enrollment endpoints at /v1, served. */
        public Enrollment() {
            super(true, "/v1");
        }
    }

    /** The admin JSON API. */
    public static class AdminApi extends Endpoint {
        /** The admin API at /api, not served. */
        public AdminApi() {
            super(false, "/api");
        }

        /**
         * The bearer token the admin API requires when Spring Security is not on the class path (at least 128 bits);
         * with Spring Security, the host's own security authenticates, and the principal's name is the audit actor.
         */
        private @Nullable String token;

        /**
         * Who may do what in which organization: allow-all (every authenticated admin acts on every organization) or
         * authorities (Spring Security authorities HEARTBEAT_ADMIN, HEARTBEAT_ORG_{id} and HEARTBEAT_ORG_{id}_READ).
         * Ignored when an AdminAuthorizer bean exists.
         */
        private Authorization authorization = Authorization.ALLOW_ALL;

        /**
         * Who may do what in which organization: allow-all (every authenticated admin acts on every organization) or
         * authorities (Spring Security authorities HEARTBEAT_ADMIN, HEARTBEAT_ORG_{id} and HEARTBEAT_ORG_{id}_READ).
         * Ignored when an AdminAuthorizer bean exists.
         *
         * @return the mode, {@link Authorization#ALLOW_ALL} by default
         */
        public Authorization getAuthorization() {
            return authorization;
        }

        /**
         * Sets {@code heartbeat.admin-api.authorization}.
         *
         * @param authorization the mode
         */
        public void setAuthorization(Authorization authorization) {
            this.authorization = authorization;
        }


        /**
         * The bearer token the admin API requires when Spring Security is not on the class path (at least 128 bits);
         * with Spring Security, the host's own security authenticates, and the principal's name is the audit actor.
         * A secret: left out of {@link #toString()}.
         *
         * @return the token, or null when not set
         */
        public @Nullable String getToken() {
            return token;
        }

        /**
         * Sets {@code heartbeat.admin-api.token}.
         *
         * @param token the bearer token, at least 128 bits, or null
         */
        public void setToken(@Nullable String token) {
            this.token = token;
        }

        @Override
        public String toString() {
            return "AdminApi[" + isEnabled() + ", " + getPath() + ", token redacted]";
        }
    }

    /** How the admin API decides who may act in which organization. */
    public enum Authorization {
        /** Every authenticated admin may do everything (the default). */
        ALLOW_ALL,
        /** By the Spring Security authorities of the signed-in user (see SpringSecurityAdminAuthorizer). */
        AUTHORITIES
    }

    /**
     * The issuer key set (public keys) for agent builds to fetch and pin. Off by default: a build should take the keys
     * it will trust from a channel it already trusts; when on, it is public by design (permitted by the request matchers).
     */
    public static class IssuerKeys extends Endpoint {
        /** The issuer key set at /.well-known/heartbeat-issuer-keys.json, not served. */
        public IssuerKeys() {
            super(false, "/.well-known/heartbeat-issuer-keys.json");
        }
    }

    /** Where HeartbeatRM keeps its data. */
    public enum StoreType {
        /** The JDBC store on the application's DataSource; startup fails when there is none. */
        JDBC,
        /** The in-memory store: nothing survives a restart and nodes share nothing. Only when asked for by name. */
        MEMORY
    }
}
