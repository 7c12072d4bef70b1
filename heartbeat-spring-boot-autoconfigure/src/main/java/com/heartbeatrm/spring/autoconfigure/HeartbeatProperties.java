package com.heartbeatrm.spring.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

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
    private final Store store = new Store();
    private final Retention retention = new Retention();

    public String getIssuer() {
        return issuer;
    }

    public void setIssuer(String issuer) {
        this.issuer = issuer;
    }

    public @Nullable String getKeyEncryptionKey() {
        return keyEncryptionKey;
    }

    public void setKeyEncryptionKey(@Nullable String keyEncryptionKey) {
        this.keyEncryptionKey = keyEncryptionKey;
    }

    public @Nullable Path getKeyEncryptionKeyFile() {
        return keyEncryptionKeyFile;
    }

    public void setKeyEncryptionKeyFile(@Nullable Path keyEncryptionKeyFile) {
        this.keyEncryptionKeyFile = keyEncryptionKeyFile;
    }

    public String getKeyEncryptionKeyId() {
        return keyEncryptionKeyId;
    }

    public void setKeyEncryptionKeyId(String keyEncryptionKeyId) {
        this.keyEncryptionKeyId = keyEncryptionKeyId;
    }

    public List<URI> getEndpoints() {
        return endpoints;
    }

    public void setEndpoints(List<URI> endpoints) {
        this.endpoints = endpoints;
    }

    public List<String> getTlsPins() {
        return tlsPins;
    }

    public void setTlsPins(List<String> tlsPins) {
        this.tlsPins = tlsPins;
    }

    public @Nullable String getTlsBundle() {
        return tlsBundle;
    }

    public void setTlsBundle(@Nullable String tlsBundle) {
        this.tlsBundle = tlsBundle;
    }

    public Enrollment getEnrollment() {
        return enrollment;
    }

    public AdminApi getAdminApi() {
        return adminApi;
    }

    public Store getStore() {
        return store;
    }

    public IssuerKeys getIssuerKeys() {
        return issuerKeys;
    }

    public Retention getRetention() {
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
     * The retention sweeper (see {@code RetentionPolicy}): on by default with conservative values. It also applies the
     * groups' {@code staleAgents} and {@code ephemeralAgents} settings, which are off until an admin sets them.
     */
    public static class Retention {
        /** Whether to sweep in the background. */
        private boolean enabled = true;

        /** Delete audit records older than this; 0 keeps them forever. */
        private java.time.Duration auditRetention = java.time.Duration.ofDays(400);

        /** Delete records of installers revoked or expired longer ago than this; 0 keeps them forever. */
        private java.time.Duration installerGrace = java.time.Duration.ofDays(90);

        /** The pause between two sweeps. */
        private java.time.Duration sweepInterval = java.time.Duration.ofMinutes(15);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public java.time.Duration getAuditRetention() {
            return auditRetention;
        }

        public void setAuditRetention(java.time.Duration auditRetention) {
            this.auditRetention = auditRetention;
        }

        public java.time.Duration getInstallerGrace() {
            return installerGrace;
        }

        public void setInstallerGrace(java.time.Duration installerGrace) {
            this.installerGrace = installerGrace;
        }

        public java.time.Duration getSweepInterval() {
            return sweepInterval;
        }

        public void setSweepInterval(java.time.Duration sweepInterval) {
            this.sweepInterval = sweepInterval;
        }

        /** The policy these properties describe; nothing swept in the background when disabled. */
        // RetentionPolicy's builder takes null for "not set"; its parameters get @Nullable when NullAway reaches the
        // enrollment module (its pom counts the findings still open there).
        @SuppressWarnings("NullAway")
        com.heartbeatrm.enrollment.RetentionPolicy policy() {
            if (!enabled) {
                return com.heartbeatrm.enrollment.RetentionPolicy.DEFAULTS;
            }
            return com.heartbeatrm.enrollment.RetentionPolicy.builder().auditRetention(orNull(auditRetention)).installerGrace(orNull(installerGrace))
                    .sweepEvery(sweepInterval).build();
        }

        private static java.time.@Nullable Duration orNull(java.time.@Nullable Duration d) {
            return d == null || d.isZero() ? null : d;
        }
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

        /** Whether the endpoint is served. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Serves the endpoint or not. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** Where the endpoint is mounted. */
        public String getPath() {
            return path;
        }

        /** Mounts the endpoint at {@code path}. */
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

        public Authorization getAuthorization() {
            return authorization;
        }

        public void setAuthorization(Authorization authorization) {
            this.authorization = authorization;
        }


        public @Nullable String getToken() {
            return token;
        }

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

    /** The store: the JDBC store on the application's DataSource, or the in-memory one when asked for. */
    public static class Store {
        /**
         * Which store: jdbc (on the application's DataSource; startup fails when there is none) or memory (nothing
         * survives a restart; only for tests and demos).
         */
        private StoreType type = StoreType.JDBC;

        /** The prefix of every table of ours. */
        private String tablePrefix = "hb_";

        /** The schema our tables live in; the connection's current schema when empty. */
        private @Nullable String schema;

        /**
         * Whether to apply our schema with Flyway at startup (history table {prefix}schema_history), as one of Spring
         * Boot's database initializers: after the application's own Flyway and Liquibase, before anything reads our
         * tables. Off when the application's Flyway runs our scripts.
         */
        private boolean migrate = true;

        public StoreType getType() {
            return type;
        }

        public void setType(StoreType type) {
            this.type = type;
        }

        public String getTablePrefix() {
            return tablePrefix;
        }

        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }

        public @Nullable String getSchema() {
            return schema;
        }

        public void setSchema(@Nullable String schema) {
            this.schema = schema;
        }

        public boolean isMigrate() {
            return migrate;
        }

        public void setMigrate(boolean migrate) {
            this.migrate = migrate;
        }
    }
}
