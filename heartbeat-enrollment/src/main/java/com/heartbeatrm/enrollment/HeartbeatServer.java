package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.TlsPin;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.spi.HeartbeatStore;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of HeartbeatRM in one object: built from a store, a key-encryption key, an issuer name and a
 * clock, it owns the admin API, the signing keys, installers (issuing, packing, revoking, checking), enrollment,
 * renewal, agent credentials and the transport-neutral {@link EnrollmentEndpoint}, all on one
 * {@link HeartbeatAdmin}. Create one per store and share it; thread-safe.
 *
 * <pre>{@code
 * HeartbeatServer server = HeartbeatServer.builder(store, kek, "https://rmm.example")
 *         .endpoints(List.of(URI.create("https://rmm.example/v1/")))   // the base URLs tokens name
 *         .tlsPins(List.of(serverKeyPin))                                // the TLS key pins tokens name
 *         .build();
 * server.signingKeys().ensureActiveKey();
 * InstallerRecord installer = server.installers().issue(actor, org, key, InstallerRequest.DEFAULTS, base, Path.of("agent.msi"));
 * EndpointResponse answer = server.endpoint().handle(new EndpointRequest("POST", "enroll", body, peer));
 * }</pre>
 */
public final class HeartbeatServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatServer.class);
    private final HeartbeatStore store;
    private final HeartbeatAdmin admin;
    private final Clock clock;
    private final EnrollmentPolicy policy;
    private final SigningKeys signingKeys;
    private final Installers installers;
    private final AgentCredentials credentials;
    private final KeyThrottles keyThrottles;
    private final EnrollmentPipeline enrollment;
    private final Attestations attestations;
    private final RenewalPipeline renewal;
    private final EnrollmentEndpoint endpoint;
    private final EnrollmentObserver observer;
    private final Denials denials;
    private final Sweeper sweeper;

    private HeartbeatServer(Builder b) {
        this.store = b.store;
        this.clock = b.clock;
        this.policy = b.policy;
        this.observer = b.observer;
        this.admin = HeartbeatAdmin.of(b.store, b.clock);
        this.signingKeys = new SigningKeys(b.store.signingKeys(), b.kek, b.issuerToken, b.clock);
        this.credentials = new AgentCredentials(b.store, signingKeys, b.issuer, b.clock, b.pins);
        this.installers = new Installers(b.store, admin, signingKeys, b.issuer, b.endpoints, b.pins, b.clock);
        this.keyThrottles = new KeyThrottles(admin, b.store.throttles(), b.clock);
        this.denials = new Denials(b.store, b.policy, b.clock);
        this.attestations = new Attestations(b.store, installers, b.kek, denials, b.policy, b.clock, b.challengeLifetime);
        this.enrollment = new EnrollmentPipeline(b.store, admin, signingKeys, credentials, denials, b.issuer, b.policy, b.clock, attestations);
        this.renewal = new RenewalPipeline(b.store, signingKeys, credentials, denials, b.policy);
        this.endpoint = new EnrollmentEndpoint(this);
        this.sweeper = new Sweeper(b.store, b.retention, b.clock);
        sweeper.start();
    }

    /**
     * Starts building a server over a store, with the key that wraps its signing keys.
     *
     * @param issuer names this deployment in every token and credential (for example its public URL): printable
     *               ASCII without spaces, at most 200 characters
     * @param store where everything is kept; one store per deployment, shared by every node
     * @param kek wraps the signing keys' private halves in the store
     * @return a builder; not thread-safe
     * @throws InvalidInputException when {@code issuer} is not of that form
     */
    public static Builder builder(HeartbeatStore store, KeyEncryptionKey kek, String issuer) {
        return new Builder(store, kek, issuer);
    }

    /**
     * The administration facade: every change it makes is audited in the same transaction.
     *
     * @return organizations, groups and their settings, access keys, agents (approvals, unlock) and the audit log
     */
    public HeartbeatAdmin admin() {
        return admin;
    }

    /**
     * The issuer signing keys.
     *
     * @return ensure, rotate, list, remove, export, and the set agents pin; thread-safe
     */
    public SigningKeys signingKeys() {
        return signingKeys;
    }

    /**
     * The installers this deployment issues.
     *
     * @return issue, pack, revoke, list and check installers; thread-safe
     */
    public Installers installers() {
        return installers;
    }

    /**
     * Checks of agent credentials.
     *
     * @return what checks the credentials agents present to the host's own APIs; thread-safe
     */
    public AgentCredentials credentials() {
        return credentials;
    }

    /**
     * The throttle of access keys by address.
     *
     * @return which keys are blocked from which addresses, and lifting those blocks
     */
    public KeyThrottles keyThrottles() {
        return keyThrottles;
    }

    /**
     * Appends the denials this node has tallied but not yet audited ({@link Denials}: repeated denials are audited
     * as one row per window) and stops its background flush and retention sweeps. The server keeps answering; call this
     * when the node stops.
     */
    @Override
    public void close() {
        sweeper.close();
        denials.close();
    }

    /**
     * Runs one retention sweep now (see {@link RetentionPolicy}): the stale and ephemeral agent rules of every group,
     * and the audit and installer retention of the policy. Safe on every node of a cluster at once; each change is
     * made, and audited, once.
     *
     * @return what the sweep removed or changed, and whether it stopped at the policy's bound on work
     */
    public SweepReport sweep() {
        return sweeper.run();
    }

    /**
     * The transport-neutral endpoint a servlet or another HTTP layer calls.
     *
     * @return the enrollment and renewal endpoint over this server
     */
    public EnrollmentEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Enrolls the agent that sent {@code body}: the agent joins the group its installer's access key points to now,
     * as ACTIVE with a credential, or PENDING when the group requires approval. See {@link EnrollmentPipeline} for the
     * steps; every refusal is a typed {@link Denied}, never an exception, except a
     * {@link com.heartbeatrm.core.StoreException} when the store cannot answer.
     *
     * @param body the request body as received, at most {@link com.heartbeatrm.protocol.EnrollmentProtocol#MAX_BODY_BYTES} bytes; not changed
     * @param ctx the sender's address and the time of arrival
     * @return enrolled (with its credential), pending approval, or denied with its reason
     */
    public EnrollmentResult enroll(byte[] body, RequestContext ctx) {
        return observed("enrollment", enrollment::enroll, observer::enrolled, body, ctx);
    }

    /**
     * Renews an agent's credential, or answers a pending agent's poll; see {@link RenewalPipeline}. Refusals are typed
     * results, as for {@link #enroll}.
     *
     * @param body the request body as received; not changed
     * @param ctx the sender's address and the time of arrival
     * @return renewed (with the next credential), still pending, or denied with its reason
     */
    public RenewalResult renew(byte[] body, RequestContext ctx) {
        return observed("renewal", renewal::renew, observer::renewed, body, ctx);
    }

    /** Runs a pipeline and shows the observer its result and how long it took; an observer's failure is only logged. */
    private static <R> R observed(String what, BiFunction<byte[], RequestContext, R> pipeline, BiConsumer<R, Duration> observe, byte[] body,
            RequestContext ctx) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(ctx, "ctx");
        long t0 = System.nanoTime();
        R r = pipeline.apply(body, ctx);
        try {
            observe.accept(r, Duration.ofNanos(System.nanoTime() - t0));
        } catch (RuntimeException e) {
            LOG.warn("{} observer failed: {}", what, e.getClass().getName());
        }
        return r;
    }

    /** The TPM attestation challenge endpoint's logic, for {@link EnrollmentEndpoint}. */
    Attestations attestations() {
        return attestations;
    }

    /**
     * What an enrollment request would do, step by step, storing nothing: no key use, nonce, throttle count, agent
     * or audit event. For support staff and admin screens.
     *
     * @param body the request body as an agent would send it
     * @param ctx the address and time to judge it for
     * @return each step's outcome and the conclusion
     */
    public DryRun explain(byte[] body, RequestContext ctx) {
        return enrollment.explain(Objects.requireNonNull(body, "body"), Objects.requireNonNull(ctx, "ctx"));
    }

    /**
     * A context for a request that arrives now, by this server's clock.
     *
     * @param remoteAddress the sender's address, as the transport saw it (after any trusted proxy)
     * @return the address with this server's current time
     */
    public RequestContext contextFor(InetAddress remoteAddress) {
        return new RequestContext(remoteAddress, clock.instant());
    }

    /**
     * Disables the organization's pending agents that waited longer than the policy's pending TTL, each with its
     * audit event.
     *
     * @param org the organization
     * @return how many agents were disabled
     */
    public int expirePending(OrganizationId org) {
        return admin.agents().expirePending(org, policy.pendingTtl());
    }

    /**
     * The policy this server was built with.
     *
     * @return limits and throttles of the enrollment and renewal pipelines
     */
    public EnrollmentPolicy policy() {
        return policy;
    }

    /**
     * The store this server runs on, as it describes itself (for health pages).
     *
     * @return the store's own description; it never contains credentials
     */
    public String describeStore() {
        return store.toString();
    }

    @Override
    public String toString() {
        return "HeartbeatServer[" + installers.issuer() + ", " + store + "]";
    }

    /** Configures a {@link HeartbeatServer}; every setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private final HeartbeatStore store;
        private final KeyEncryptionKey kek;
        private final String issuer;
        private Clock clock = Clock.systemUTC();
        private EnrollmentPolicy policy = EnrollmentPolicy.DEFAULTS;
        private List<URI> endpoints = List.of();
        private Supplier<List<String>> pins = List::of;
        private EnrollmentObserver observer = EnrollmentObserver.NONE;
        private RetentionPolicy retention = RetentionPolicy.DEFAULTS;
        private Optional<Pkcs11IssuerToken> issuerToken = Optional.empty();
        private Duration challengeLifetime = Duration.ofMinutes(5);

        private Builder(HeartbeatStore store, KeyEncryptionKey kek, String issuer) {
            this.store = Objects.requireNonNull(store, "store");
            this.kek = Objects.requireNonNull(kek, "kek");
            if (issuer == null || !issuer.matches("[\\x21-\\x7e]{1,200}")) {
                throw new InvalidInputException("issuer", "1 to 200 printable ASCII characters without spaces");
            }
            this.issuer = issuer;
        }

        /**
         * The clock for every expiry, timestamp and throttle window; the system's UTC clock unless set.
         *
         * @param c the clock; tests pass a fixed or a stepping one
         * @return this builder
         */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * How long a TPM attestation challenge may be answered (by an enrollment carrying its attestation); five
         * minutes unless set. Every node of a deployment should use the same value.
         *
         * @param lifetime 10 seconds to one hour
         * @return this builder
         * @throws InvalidInputException when out of that range
         */
        public Builder attestationChallengeLifetime(Duration lifetime) {
            if (lifetime == null || lifetime.compareTo(Duration.ofSeconds(10)) < 0 || lifetime.compareTo(Duration.ofHours(1)) > 0) {
                throw new InvalidInputException("attestationChallengeLifetime", "10 seconds to one hour");
            }
            this.challengeLifetime = lifetime;
            return this;
        }

        /**
         * The enrollment and renewal policy; {@link EnrollmentPolicy#DEFAULTS} unless set.
         *
         * @param p the policy
         * @return this builder
         */
        public Builder policy(EnrollmentPolicy p) {
            this.policy = Objects.requireNonNull(p, "policy");
            return this;
        }

        /**
         * The enrollment service's base URLs that installers name unless asked otherwise.
         *
         * @param baseUrls 1 to {@link EnrollmentClaims#MAX_ENDPOINTS} https URLs, each ending in {@code /}
         * @return this builder
         * @throws InvalidInputException when the list is empty, too long, or holds a URL of another form
         */
        public Builder endpoints(List<URI> baseUrls) {
            this.endpoints = InstallerRequest.builder().endpoints(baseUrls).build().endpoints();
            return this;
        }

        /**
         * The TLS key pins that installers name unless asked otherwise (for example the current and the next key).
         *
         * @param pins at most {@link EnrollmentClaims#MAX_PINS} SHA-256 pins in base64url; copied
         * @return this builder
         * @throws InvalidInputException when there are too many or one is malformed
         */
        public Builder tlsPins(List<String> pins) {
            List<String> copy = checkPins(pins);
            this.pins = () -> copy;
            return this;
        }

        /**
         * Pins read at each issue, so a TLS key rotation applies without a restart.
         *
         * @param pins called on every issue, from any thread; what it returns is checked as {@link #tlsPins(List)} checks
         * @return this builder
         */
        public Builder tlsPins(Supplier<List<String>> pins) {
            Objects.requireNonNull(pins, "pins");
            this.pins = () -> checkPins(pins.get());
            return this;
        }

        private static List<String> checkPins(List<String> pins) {
            Objects.requireNonNull(pins, "pins");
            if (pins.size() > EnrollmentClaims.MAX_PINS || !pins.stream().allMatch(TlsPin::isWellFormed)) {
                throw new InvalidInputException("tlsPins", "at most " + EnrollmentClaims.MAX_PINS + " SHA-256 pins in base64url");
            }
            return List.copyOf(pins);
        }

        /**
         * Who is told of every enrollment and renewal (metrics); {@link EnrollmentObserver#NONE} unless set.
         *
         * @param o called on the request's thread after the answer is decided; its failures are logged, not thrown
         * @return this builder
         */
        public Builder observer(EnrollmentObserver o) {
            this.observer = Objects.requireNonNull(o, "observer");
            return this;
        }

        /**
         * What the retention sweeper removes and how often it runs; {@link RetentionPolicy#DEFAULTS} unless set.
         *
         * @param p the policy
         * @return this builder
         */
        public Builder retention(RetentionPolicy p) {
            this.retention = Objects.requireNonNull(p, "retention");
            return this;
        }

        /**
         * Keeps the issuer signing keys on a PKCS#11 token or HSM: new keys (the first one, and every rotation) are
         * ECDSA P-256 keys generated there and never leave it; keys already on it are found again by their label.
         * Software keys the deployment still has keep verifying and endorse the first key on the token.
         *
         * @param token the logged-in token
         * @return this builder
         */
        public Builder issuerToken(Pkcs11IssuerToken token) {
            this.issuerToken = Optional.of(Objects.requireNonNull(token, "token"));
            return this;
        }

        /**
         * The server; a background sweeper starts when the retention policy asks for one.
         *
         * @return a thread-safe server; {@link HeartbeatServer#close()} it when the node stops
         */
        public HeartbeatServer build() {
            return new HeartbeatServer(this);
        }
    }
}
