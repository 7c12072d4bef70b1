package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.HeartbeatCheckedException;

import com.heartbeatrm.protocol.TokenException;

import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.CredentialClaims;
import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.protocol.TlsPin;

import com.heartbeatrm.protocol.Base64Url;
import com.heartbeatrm.protocol.StrictJson;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything an enrolled agent keeps: its key pair, its agent and organization ids, where and how to reach its
 * server (base URLs and TLS pins, from its installer's token), and its current credential with the credential's
 * generation. Immutable; {@link EnrollmentClient} hands out a new one after each exchange. Holds a private key
 * and a bearer credential: it prints redacted, and {@link #toStateBytes()} is meant only for an
 * {@link AgentIdentityStore}.
 */
public final class AgentIdentity {
    /** Where the agent stands with its server. */
    public enum Status {
        /** Enrolled in a group that requires approval; no credential yet. */
        PENDING,
        /** Holds a credential. */
        ACTIVE
    }

    private static final int STATE_VERSION = 1;
    private static final int MAX_STATE = 64 * 1024;
    private static final Set<String> FIELDS = Set.of("v", "agentId", "organizationId", "issuer", "endpoints", "pins", "publicKey",
            "privateKey", "status", "credential", "credentialIssuedAt", "credentialExpiresAt", "generation", "organization", "group", "issuerKeys",
            "renewalNonce", "renewalTimestamp");
    private static final Pattern AGT = Pattern.compile("agt_[A-Za-z0-9_-]{21}[AQgw]");
    private static final Pattern ORG = Pattern.compile("org_[A-Za-z0-9_-]{21}[AQgw]");

    private final AgentKeyPair keys;
    private final String agentId;
    private final String organizationId;
    private final String issuer;
    private final List<URI> endpoints;
    private final List<String> tlsPins;
    private final Status status;
    private final Optional<AgentCredential> credential;
    private final Optional<Instant> credentialIssuedAt;
    private final Optional<Instant> credentialExpiresAt;
    private final long generation;
    private final String organizationName;
    private final String groupPath;
    private final List<SigningPublicKey> learnedKeys;
    private final Optional<UnansweredRenewal> unansweredRenewal;

    /**
     * A renewal sent for the credential held, whose answer has not come: the nonce and time it was signed with, so
     * that the identical request can be sent again, after a restart too. The server recognises that request as the
     * one that issued its current generation, where a fresh renewal presenting the held generation would be a clone.
     */
    record UnansweredRenewal(String nonce, Instant at) {
        UnansweredRenewal {
            try {
                if (Objects.requireNonNull(nonce, "nonce").length() > (64 * 4 + 2) / 3) {
                    throw new IllegalArgumentException("renewalNonce is too long");
                }
                int length = Base64Url.decode(nonce, "renewalNonce").length;
                if (length < 16 || length > 64) {
                    throw new IllegalArgumentException("renewalNonce must be 16 to 64 bytes");
                }
            } catch (TokenException e) {
                throw new IllegalArgumentException("renewalNonce: " + e.getMessage());
            }
            Objects.requireNonNull(at, "at");
        }
    }

    AgentIdentity(AgentKeyPair keys, String agentId, String organizationId, String issuer, List<URI> endpoints, List<String> tlsPins,
            Status status, Optional<AgentCredential> credential, Optional<Instant> credentialIssuedAt, Optional<Instant> credentialExpiresAt,
            long generation, String organizationName, String groupPath) {
        this(keys, agentId, organizationId, issuer, endpoints, tlsPins, status, credential, credentialIssuedAt, credentialExpiresAt,
                generation, organizationName, groupPath, List.of());
    }

    AgentIdentity(AgentKeyPair keys, String agentId, String organizationId, String issuer, List<URI> endpoints, List<String> tlsPins,
            Status status, Optional<AgentCredential> credential, Optional<Instant> credentialIssuedAt, Optional<Instant> credentialExpiresAt,
            long generation, String organizationName, String groupPath, List<SigningPublicKey> learnedKeys) {
        this.learnedKeys = List.copyOf(learnedKeys);
        if (this.learnedKeys.size() > PinnedKeySet.MAX_KEYS) {
            throw new IllegalArgumentException("issuerKeys: at most " + PinnedKeySet.MAX_KEYS);
        }
        this.keys = Objects.requireNonNull(keys, "keys");
        if (agentId == null || !AGT.matcher(agentId).matches()) {
            throw new IllegalArgumentException("agentId: missing or malformed");
        }
        if (organizationId == null || !ORG.matcher(organizationId).matches()) {
            throw new IllegalArgumentException("organizationId: missing or malformed");
        }
        this.agentId = agentId;
        this.organizationId = organizationId;
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.endpoints = List.copyOf(endpoints);
        if (this.endpoints.isEmpty() || this.endpoints.size() > EnrollmentClaims.MAX_ENDPOINTS) {
            throw new IllegalArgumentException("endpoints: 1 to " + EnrollmentClaims.MAX_ENDPOINTS);
        }
        this.endpoints.forEach(EnrollmentClaims::checkEndpoint);
        this.tlsPins = List.copyOf(tlsPins);
        if (this.tlsPins.size() > EnrollmentClaims.MAX_PINS || !this.tlsPins.stream().allMatch(TlsPin::isWellFormed)) {
            throw new IllegalArgumentException("pins: at most " + EnrollmentClaims.MAX_PINS + " well-formed pins");
        }
        this.status = Objects.requireNonNull(status, "status");
        this.credential = Objects.requireNonNull(credential, "credential");
        this.credentialIssuedAt = Objects.requireNonNull(credentialIssuedAt, "credentialIssuedAt");
        this.credentialExpiresAt = Objects.requireNonNull(credentialExpiresAt, "credentialExpiresAt");
        boolean active = status == Status.ACTIVE;
        if (credential.isPresent() != active || credentialIssuedAt.isPresent() != active || credentialExpiresAt.isPresent() != active
                || (active && generation < 1) || (!active && generation != 0) || generation < 0) {
            throw new IllegalArgumentException("an active identity has a credential, its times and a generation of at least 1; "
                    + "a pending one has none of them");
        }
        if (active && !credentialExpiresAt.get().isAfter(credentialIssuedAt.get())) {
            throw new IllegalArgumentException("credentialExpiresAt: must be after credentialIssuedAt");
        }
        this.generation = generation;
        this.organizationName = Objects.requireNonNull(organizationName, "organizationName");
        this.groupPath = Objects.requireNonNull(groupPath, "groupPath");
        this.unansweredRenewal = Optional.empty();
    }

    private AgentIdentity(AgentIdentity base, Optional<UnansweredRenewal> unansweredRenewal) {
        this.keys = base.keys;
        this.agentId = base.agentId;
        this.organizationId = base.organizationId;
        this.issuer = base.issuer;
        this.endpoints = base.endpoints;
        this.tlsPins = base.tlsPins;
        this.status = base.status;
        this.credential = base.credential;
        this.credentialIssuedAt = base.credentialIssuedAt;
        this.credentialExpiresAt = base.credentialExpiresAt;
        this.generation = base.generation;
        this.organizationName = base.organizationName;
        this.groupPath = base.groupPath;
        this.learnedKeys = base.learnedKeys;
        this.unansweredRenewal = unansweredRenewal;
    }

    /** {@return the agent's key pair, whose public key the credential binds} */
    public AgentKeyPair keys() {
        return keys;
    }

    /** {@return the agent's id, as the server assigned it} */
    public String agentId() {
        return agentId;
    }

    /** {@return the id of the organization the agent enrolled into} */
    public String organizationId() {
        return organizationId;
    }

    /** {@return the deployment that issued the agent's installer and credentials} */
    public String issuer() {
        return issuer;
    }

    /** {@return the enrollment service's base URLs, in the order to try them} */
    public List<URI> endpoints() {
        return endpoints;
    }

    /** {@return the TLS key pins the server must match; empty means the JDK's normal certificate checks} */
    public List<String> tlsPins() {
        return tlsPins;
    }

    /** {@return whether the agent holds a credential or still waits for approval} */
    public Status status() {
        return status;
    }

    /** {@return the credential the agent holds; empty while pending} */
    public Optional<AgentCredential> credential() {
        return credential;
    }

    /** {@return when the held credential was issued; empty while pending} */
    public Optional<Instant> credentialIssuedAt() {
        return credentialIssuedAt;
    }

    /** {@return when the held credential expires; empty while pending} */
    public Optional<Instant> credentialExpiresAt() {
        return credentialExpiresAt;
    }

    /** {@return the generation of the credential held; 0 while pending} */
    public long generation() {
        return generation;
    }

    /** {@return the organization's name, as the server last said it} */
    public String organizationName() {
        return organizationName;
    }

    /** {@return the group's path, as the server last said it} */
    public String groupPath() {
        return groupPath;
    }

    /**
     * Issuer keys this agent learned after its build: rotated keys, each endorsed by a key it trusted already
     * ({@link com.heartbeatrm.protocol.KeyEndorsement}). They count as pinned for credentials.
     *
     * @return the learned keys, in the order learned; unmodifiable, empty for most agents
     */
    public List<SigningPublicKey> learnedKeys() {
        return learnedKeys;
    }

    /**
     * When the renewal whose answer has not come was signed; empty when none is outstanding. The client sends that
     * same request again before it renews afresh (see {@link EnrollmentClient#renew}).
     *
     * @return the time the outstanding renewal was signed; empty when none is outstanding
     */
    public Optional<Instant> unansweredRenewalSince() {
        return unansweredRenewal.map(UnansweredRenewal::at);
    }

    Optional<UnansweredRenewal> unansweredRenewal() {
        return unansweredRenewal;
    }

    /** This identity, remembering that a renewal signed with {@code nonce} at {@code at} awaits its answer. */
    AgentIdentity withUnansweredRenewal(String nonce, Instant at) {
        return new AgentIdentity(this, Optional.of(new UnansweredRenewal(nonce, at)));
    }

    /** This identity, with no renewal awaiting an answer. */
    AgentIdentity withoutUnansweredRenewal() {
        return unansweredRenewal.isEmpty() ? this : new AgentIdentity(this, Optional.empty());
    }

    /** The same agent, in the same organization, with the same key: two copies of one identity, at any generation. */
    boolean sameAgentAs(AgentIdentity other) {
        return agentId.equals(other.agentId) && organizationId.equals(other.organizationId)
                && keys.fingerprint().equals(other.keys.fingerprint());
    }

    AgentIdentity withCredential(AgentCredential newCredential, CredentialClaims claims, EnrollmentResponse.Placement placement,
            List<SigningPublicKey> newLearnedKeys, List<String> newPins) {
        return new AgentIdentity(keys, agentId, organizationId, issuer, endpoints, newPins.isEmpty() ? tlsPins : newPins, Status.ACTIVE,
                Optional.of(newCredential), Optional.of(claims.issuedAt()), Optional.of(claims.expiresAt()), claims.generation(),
                placement.organizationName(), placement.groupPath(), newLearnedKeys);
    }

    AgentIdentity withPlacement(EnrollmentResponse.Placement placement) {
        return new AgentIdentity(keys, agentId, organizationId, issuer, endpoints, tlsPins, status, credential, credentialIssuedAt,
                credentialExpiresAt, generation, placement.organizationName(), placement.groupPath(), learnedKeys);
    }

    // ------------------------------------------------------------------------------------------ state bytes

    /**
     * The identity as bytes for an {@link AgentIdentityStore}: UTF-8 JSON that includes the private key and the
     * credential. Protect it like the key itself (owner-only file, OS key store, TPM-sealed blob). While a renewal
     * awaits its answer the state also holds that renewal's nonce and time ({@code renewalNonce},
     * {@code renewalTimestamp}); SDK versions before 0.1.0 do not read such a state.
     *
     * @return the state, UTF-8 JSON; a secret
     */
    public byte[] toStateBytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", STATE_VERSION);
        m.put("agentId", agentId);
        m.put("organizationId", organizationId);
        m.put("issuer", issuer);
        m.put("endpoints", endpoints.stream().map(URI::toString).toList());
        m.put("pins", tlsPins);
        m.put("publicKey", Base64Url.encode(keys.publicKey()));
        m.put("privateKey", Base64Url.encode(keys.exportPrivateKeyPkcs8()));
        m.put("status", status.name().toLowerCase(java.util.Locale.ROOT));
        m.put("credential", credential.map(AgentCredential::reveal));
        m.put("credentialIssuedAt", credentialIssuedAt.map(Instant::toString));
        m.put("credentialExpiresAt", credentialExpiresAt.map(Instant::toString));
        m.put("generation", generation);
        m.put("organization", organizationName);
        m.put("group", groupPath);
        if (!learnedKeys.isEmpty()) {
            m.put("issuerKeys", learnedKeys.stream().map(k -> Base64Url.encode(k.rawKey())).toList());
        }
        unansweredRenewal.ifPresent(r -> {
            m.put("renewalNonce", r.nonce());
            m.put("renewalTimestamp", r.at().toString());
        });
        return StrictJson.write(m);
    }

    /**
     * Reads {@link #toStateBytes()} back; anything else is refused with a message that never echoes the input.
     *
     * @param state bytes {@link #toStateBytes()} wrote
     * @return the identity
     * @throws InvalidStateException the bytes are not such a state: malformed, of another version, or inconsistent
     */
    public static AgentIdentity fromStateBytes(byte[] state) throws InvalidStateException {
        try {
            Map<String, Object> m = StrictJson.parseObject(state, MAX_STATE);
            StrictJson.onlyMembers(m, FIELDS);
            if (StrictJson.requireInteger(m, "v") != STATE_VERSION) {
                throw new InvalidStateException("unknown identity state version");
            }
            AgentKeyPair keys = AgentKeyPair.restore(Base64Url.decode(StrictJson.requireString(m, "privateKey"), "privateKey"),
                    Base64Url.decode(StrictJson.requireString(m, "publicKey"), "publicKey"));
            List<URI> endpoints = new ArrayList<>();
            for (String e : StrictJson.strings(m, "endpoints", EnrollmentClaims.MAX_ENDPOINTS)) {
                endpoints.add(new URI(e));
            }
            Status status = switch (StrictJson.requireString(m, "status")) {
                case "active" -> Status.ACTIVE;
                case "pending" -> Status.PENDING;
                default -> throw new InvalidStateException("unknown identity status");
            };
            AgentIdentity identity = new AgentIdentity(keys, StrictJson.requireString(m, "agentId"), StrictJson.requireString(m, "organizationId"),
                    StrictJson.requireString(m, "issuer"), endpoints, StrictJson.strings(m, "pins", EnrollmentClaims.MAX_PINS), status,
                    StrictJson.string(m, "credential").map(AgentCredential::of),
                    StrictJson.string(m, "credentialIssuedAt").map(Instant::parse),
                    StrictJson.string(m, "credentialExpiresAt").map(Instant::parse),
                    StrictJson.requireInteger(m, "generation"), StrictJson.requireString(m, "organization"),
                    StrictJson.requireString(m, "group"), learned(StrictJson.strings(m, "issuerKeys", PinnedKeySet.MAX_KEYS)));
            Optional<String> renewalNonce = StrictJson.string(m, "renewalNonce");
            Optional<String> renewalTimestamp = StrictJson.string(m, "renewalTimestamp");
            if (renewalNonce.isPresent() != renewalTimestamp.isPresent()) {
                throw new InvalidStateException("malformed identity state: renewalNonce and renewalTimestamp go together");
            }
            return renewalNonce.isEmpty() ? identity
                    : identity.withUnansweredRenewal(renewalNonce.get(), Instant.parse(renewalTimestamp.get()));
        } catch (StrictJson.JsonException | TokenException e) {
            throw new InvalidStateException("malformed identity state: " + e.getMessage());
        } catch (URISyntaxException | DateTimeException | IllegalArgumentException e) {
            throw new InvalidStateException("malformed identity state: " + (e instanceof IllegalArgumentException ? e.getMessage()
                    : e.getClass().getSimpleName()));
        }
    }

    private static List<SigningPublicKey> learned(List<String> raw) throws TokenException {
        List<SigningPublicKey> out = new ArrayList<>();
        for (String x : raw) {
            out.add(SigningPublicKey.of(Base64Url.decode(x, "issuerKeys")));
        }
        return out;
    }

    /** Identity state bytes that cannot be read back. */
    public static final class InvalidStateException extends HeartbeatCheckedException {
        private static final long serialVersionUID = 1L;

        /**
         * A state that cannot be read.
         *
         * @param message what is wrong, never the state's content
         */
        public InvalidStateException(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public String toString() {
        return "AgentIdentity[" + agentId + " of " + organizationId + ", " + status + ", generation " + generation
                + (unansweredRenewal.isPresent() ? ", a renewal unanswered" : "")
                + ", key " + keys.fingerprint().substring(0, 16) + "…, private key and credential redacted]";
    }
}
