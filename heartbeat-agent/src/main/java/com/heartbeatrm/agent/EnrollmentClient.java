package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * The agent side of the wire: enrolls with an installer's token and renews the credential, over HTTPS, with the
 * token's TLS pins enforced in the handshake. On {@code java.net.http}; no dependency beyond the JDK.
 *
 * <pre>{@code
 * PinnedKeySet issuerKeys = PinnedKeySet.parseJson(keysBuiltIntoTheAgent);
 * VerifiedEnrollmentToken token = InstallerReader.readAndVerify(ownInstaller, EnrollmentTokenVerifier.builder(issuerKeys).build());
 * EnrollmentClient client = EnrollmentClient.builder(issuerKeys)
 *         .identityStore(FileAgentIdentityStore.in(Path.of("/var/lib/my-agent")))
 *         .build();
 * EnrollmentClient.Outcome outcome = client.enrollOrRenewIfDue(token, AgentFacts.ofThisComputer("my-agent/1.0"));
 * }</pre>
 *
 * <h2>What it guarantees</h2>
 * <ul>
 * <li><b>HTTPS by default.</b> A plain {@code http} endpoint is used only when its host is loopback or the builder
 * allows it explicitly, and never when the token carries pins.</li>
 * <li><b>Pins in the handshake.</b> When the token carries pins, the server's certificate key must match one of
 * them before a byte of the request is sent; a pinned server needs no CA, so a self-signed certificate works. Without
 * pins, the JDK's trust store and host name check apply.</li>
 * <li><b>Bounded.</b> Connect and request timeouts, at most {@link EnrollmentProtocol#MAX_BODY_BYTES} read, no
 * redirects. Endpoints are tried in order; unreachable or unavailable (5xx) servers are retried after an exponential
 * back-off with jitter, a bounded number of rounds. A refusal is final and is never retried.</li>
 * <li><b>Verified before saved.</b> A credential must verify against the pinned issuer keys, under the agent
 * credential purpose, and name this agent, its organization and its public key, with a generation newer than the
 * one held; otherwise nothing is saved.</li>
 * <li><b>Safe retries.</b> An enrollment retry is signed afresh (the server answers a retried key pair with the
 * same agent). A renewal retry resends the identical body, which the server recognises as a retry rather than a
 * clone; with an identity store, that holds across a restart too (see {@link #renew}).</li>
 * <li><b>Cheap reconnects.</b> One TLS context per pin set is held for the client's life, with its session cache:
 * a renewal hours later, on a new connection, resumes the TLS 1.3 session from the server's ticket instead of a
 * full handshake (no certificate, no server signature). Keep one client for the agent's life to get this.</li>
 * </ul>
 * Thread-safe.
 */
public final class EnrollmentClient {
    private final Clock clock;
    private final IdentityKeeper keeper;
    private final AgentExchanges exchanges;
    /** Serializes what reads and writes the identity store: a renewal kept, then sent, must not race another. */
    private final Object storeLock = new Object();

    private EnrollmentClient(Builder b) {
        this.clock = b.clock;
        this.keeper = new IdentityKeeper(b.store);
        PinnedTransport transport = new PinnedTransport(b.connectTimeout, b.requestTimeout, b.retry, b.allowPlainHttp, b.unpinnedContext,
                b.sleeper, b.random, b.userAgent);
        this.exchanges = new AgentExchanges(b.clock, transport, new CredentialAcceptor(b.issuerKeys, b.clock), keeper, b.attestor);
    }

    /**
     * A client that trusts credentials signed by {@code issuerKeys}: the keys pinned into the agent build.
     *
     * @param issuerKeys the issuer keys pinned into the agent build
     * @return a builder with the defaults below
     */
    public static Builder builder(PinnedKeySet issuerKeys) {
        return new Builder(Objects.requireNonNull(issuerKeys, "issuerKeys"));
    }

    /** Waits between retry rounds; tests plug in one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * Waits {@code d}.
         *
         * @param d how long, zero or more
         * @throws InterruptedException the wait was interrupted; the client gives up as unreachable
         */
        void sleep(Duration d) throws InterruptedException;
    }

    /** What an exchange produced: the identity to keep from now on, and what happened. Holds the identity's secrets. */
    public static final class Outcome {
        /** What happened. */
        public enum Status {
            /** Enrolled and active, with a first credential. */
            ENROLLED,
            /** Enrolled, waiting for an administrator's approval (or still waiting, on a poll). */
            PENDING,
            /** A new credential, of the next generation. */
            RENEWED,
            /** {@link #renewIfDue} found the credential not yet due; nothing was sent. */
            NOT_DUE
        }

        private final Status status;
        private final AgentIdentity identity;

        Outcome(Status status, AgentIdentity identity) {
            this.status = status;
            this.identity = identity;
        }

        /** {@return what happened} */
        public Status status() {
            return status;
        }

        /** {@return the identity to keep from now on (already saved when the client has a store)} */
        public AgentIdentity identity() {
            return identity;
        }

        @Override
        public String toString() {
            return "Outcome[" + status + ", " + identity + "]";
        }
    }

    // ------------------------------------------------------------------------------------------------ enroll

    /**
     * Enrolls with a new key pair. With an identity store, the identity is saved before this returns, and the key
     * pair is kept in the store ({@link AgentIdentityStore#saveEnrollmentKey}) from before the first send until then:
     * when the answer is lost, the next enrollment, in this process or after a restart, uses the same key, and the
     * server answers with the agent it already made instead of making a second one (which would also count a second
     * use of the access key). That agent is the one the first request made: in its group, whatever group the
     * installer used now names. A key is kept per organization: an installer of another organization enrolls with a
     * new key. When the server refuses the agent the kept key made (disabled, locked, its approval expired), the key
     * is forgotten, so the next enrollment is a new agent.
     *
     * @param token the installer's token, verified against the pinned issuer keys
     * @param facts what the agent reports about its host
     * @return {@code ENROLLED} with a first credential, or {@code PENDING} approval
     * @throws EnrollmentClientException the exchange failed or was refused; {@link EnrollmentClientException#kind()} says how, and nothing was saved
     */
    public Outcome enroll(VerifiedEnrollmentToken token, AgentFacts facts) throws EnrollmentClientException {
        Objects.requireNonNull(token, "token");
        if (!keeper.hasStore()) {
            return enroll(token, AgentKeyPair.generate(), facts);
        }
        synchronized (storeLock) {
            CustodyKey keys = keeper.enrollmentKey(token.claims().organizationId());
            Outcome o;
            try {
                o = enroll(token, keys, facts);
            } catch (EnrollmentClientException e) {
                if (e.denialCode().filter(c -> c == DenialCode.AGENT_DISABLED || c == DenialCode.AGENT_LOCKED
                        || c == DenialCode.PENDING_EXPIRED).isPresent()) {
                    keeper.forgetEnrollmentKey();
                }
                throw e;
            }
            keeper.forgetEnrollmentKey();
            return o;
        }
    }

    /**
     * Enrolls with the given key (e.g. one held by a token); without a store that keeps it, the key is not kept.
     *
     * @param token the installer's token, verified against the pinned issuer keys
     * @param keys  the agent's key, in whatever custody holds it
     * @param facts what the agent reports about its host
     * @return {@code ENROLLED} with a first credential, or {@code PENDING} approval
     * @throws EnrollmentClientException the exchange failed or was refused; {@link EnrollmentClientException#kind()} says how, and nothing was saved
     */
    public Outcome enroll(VerifiedEnrollmentToken token, CustodyKey keys, AgentFacts facts) throws EnrollmentClientException {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(facts, "facts");
        return exchanges.enroll(token, keys, facts);
    }

    // ------------------------------------------------------------------------------------------------ renew

    /**
     * Asks for the next credential (or, while pending, whether the agent was approved). With an identity store,
     * the new identity is saved before this returns.
     *
     * <p><b>A lost answer.</b> With an identity store, the agent saves the nonce and time of each renewal (or poll)
     * before sending it ({@link AgentIdentity#unansweredRenewalSince()}). When no answer comes (the connection broke,
     * the agent stopped), the next call, in this process or after a restart, sends that same request again: the
     * server recognises it as the renewal that issued its current generation and answers that credential, where a
     * fresh renewal presenting the held generation would lock the agent as a clone. A kept request is dropped, and a
     * fresh one sent in the same call, only when its refusal shows that the server never took it:
     * {@link DenialCode#CLOCK_SKEW} for its old time (and, for a pending agent's poll, {@link DenialCode#REJECTED}
     * for a nonce already answered as a poll). Any other refusal leaves it kept.
     *
     * <p>With a store, the store is the authority: when it holds the same agent at the same or a newer generation
     * than {@code identity}, that copy is renewed, so an older copy held by the caller neither loses a kept request
     * nor overwrites a newer credential. Calls on one client are serialized; two clients or processes must not share
     * one store.
     *
     * @param identity the identity to renew (with a store, the store's copy may be used instead)
     * @return {@code RENEWED}, {@code ENROLLED} when a pending agent was approved, or {@code PENDING}
     * @throws EnrollmentClientException the exchange failed or was refused; {@link EnrollmentClientException#kind()} says how, and nothing was saved
     */
    public Outcome renew(AgentIdentity identity) throws EnrollmentClientException {
        Objects.requireNonNull(identity, "identity");
        synchronized (storeLock) {
            return exchanges.renew(keeper.current(identity));
        }
    }

    /**
     * Renews when {@link #renewalDueAt} has come (always while pending, and while a renewal awaits its answer);
     * otherwise returns {@code NOT_DUE}, sending nothing. With a store, its copy is the one judged (see {@link #renew}).
     *
     * @param identity the identity to judge and, when due, renew
     * @return {@code NOT_DUE} with nothing sent, or what {@link #renew} returns
     * @throws EnrollmentClientException the exchange failed or was refused; {@link EnrollmentClientException#kind()} says how, and nothing was saved
     */
    public Outcome renewIfDue(AgentIdentity identity) throws EnrollmentClientException {
        Objects.requireNonNull(identity, "identity");
        synchronized (storeLock) {
            return renewCurrentIfDue(keeper.current(identity));
        }
    }

    private Outcome renewCurrentIfDue(AgentIdentity current) throws EnrollmentClientException {
        if (clock.instant().isBefore(renewalDueAt(current))) {
            return new Outcome(Outcome.Status.NOT_DUE, current);
        }
        return exchanges.renew(current);
    }

    /**
     * When the credential should be renewed: at two thirds of its lifetime, less a jitter of up to a tenth of the
     * lifetime that is fixed per agent and generation, so that a fleet enrolled at once does not renew at once.
     * A pending identity is always due (it polls).
     *
     * @param identity the identity to judge
     * @return the instant from which a renewal is due
     */
    public Instant renewalDueAt(AgentIdentity identity) {
        return AgentExchanges.renewalDueAt(identity);
    }

    // ------------------------------------------------------------------------------------ with an identity store

    /**
     * {@return the identity in the configured store, if any}
     *
     * @throws EnrollmentClientException {@code IDENTITY_STORE}: the store could not be read
     */
    public Optional<AgentIdentity> storedIdentity() throws EnrollmentClientException {
        return keeper.load();
    }

    /**
     * Renews the stored identity when due, or enrolls with {@code token} when none is stored.
     *
     * @param token the installer's token, used only when the store holds no identity
     * @param facts what the agent reports about its host
     * @return what {@link #enroll(VerifiedEnrollmentToken, AgentFacts)} or {@link #renewIfDue} returned
     * @throws EnrollmentClientException the exchange failed or was refused; {@link EnrollmentClientException#kind()} says how, and nothing was saved
     * @throws IllegalStateException no identity store was configured
     */
    public Outcome enrollOrRenewIfDue(VerifiedEnrollmentToken token, AgentFacts facts) throws EnrollmentClientException {
        synchronized (storeLock) {
            Optional<AgentIdentity> stored = storedIdentity();
            return stored.isPresent() ? renewCurrentIfDue(stored.get()) : enroll(token, facts);
        }
    }

    /**
     * Renews the stored identity now (while pending: polls), or enrolls with {@code token} when none is stored.
     *
     * @param token the installer's token, used only when the store holds no identity
     * @param facts what the agent reports about its host
     * @return what {@link #enroll(VerifiedEnrollmentToken, AgentFacts)} or {@link #renew} returned
     * @throws EnrollmentClientException the exchange failed or was refused; {@link EnrollmentClientException#kind()} says how, and nothing was saved
     * @throws IllegalStateException no identity store was configured
     */
    public Outcome enrollOrRenew(VerifiedEnrollmentToken token, AgentFacts facts) throws EnrollmentClientException {
        synchronized (storeLock) {
            Optional<AgentIdentity> stored = storedIdentity();
            return stored.isPresent() ? exchanges.renew(stored.get()) : enroll(token, facts);
        }
    }

    // ------------------------------------------------------------------------------------------------ builder

    /** Configures a client; every setting has a default but the pinned issuer keys. Not thread-safe. */
    public static final class Builder {
        private final PinnedKeySet issuerKeys;
        private Clock clock = Clock.systemUTC();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private boolean allowPlainHttp;
        private @Nullable SSLContext unpinnedContext;
        private @Nullable AgentIdentityStore store;
        private @Nullable EnrollmentAttestor attestor;
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
        private RandomGenerator random = new SecureRandom();
        private String userAgent = "heartbeat-agent/0.1";

        private Builder(PinnedKeySet issuerKeys) {
            this.issuerKeys = issuerKeys;
        }

        /**
         * The clock that signs requests and judges renewal due times; the system UTC clock by default.
         *
         * @param c the clock
         * @return this builder
         */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * How long to wait for a TCP and TLS connection; 1 s to 2 min, default 10 s.
         *
         * @param d the timeout
         * @return this builder
         * @throws IllegalArgumentException out of range
         */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = bounded("connectTimeout", d, Duration.ofSeconds(1), Duration.ofMinutes(2));
            return this;
        }

        /**
         * How long to wait for an answer once connected; 1 s to 2 min, default 30 s.
         *
         * @param d the timeout
         * @return this builder
         * @throws IllegalArgumentException out of range
         */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = bounded("requestTimeout", d, Duration.ofSeconds(1), Duration.ofMinutes(2));
            return this;
        }

        /**
         * Rounds over the endpoints when they are unreachable or unavailable (1 to 10, default 3), and the back-off
         * between rounds: {@code initial}, doubling, at most {@code max} (each 0 to 5 min; defaults 1 s and 30 s).
         * Keep the total under the server's clock-skew window (5 min by default): a renewal resends one body.
         *
         * @param attempts rounds, 1 to 10
         * @param initial  the first back-off, 0 to 5 min
         * @param max      the longest back-off, {@code initial} to 5 min
         * @return this builder
         * @throws IllegalArgumentException out of range
         */
        public Builder retries(int attempts, Duration initial, Duration max) {
            if (attempts < 1 || attempts > 10) {
                throw new IllegalArgumentException("attempts: 1 to 10");
            }
            this.retry = new RetryPolicy(attempts, bounded("initial", initial, Duration.ZERO, Duration.ofMinutes(5)),
                    bounded("max", max, initial, Duration.ofMinutes(5)));
            return this;
        }

        /**
         * Allows plain {@code http} endpoints on any host (never with pins). Off by default: only loopback may be plain.
         *
         * @param allow whether plain {@code http} is allowed beyond loopback
         * @return this builder
         */
        public Builder allowPlainHttp(boolean allow) {
            this.allowPlainHttp = allow;
            return this;
        }

        /**
         * The TLS context for servers without pins (default: the JDK's, with its trust store).
         *
         * @param context the TLS context; never used for a server with pins
         * @return this builder
         */
        public Builder unpinnedTls(SSLContext context) {
            this.unpinnedContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Saves every new identity there before a call returns, and enables {@link #enrollOrRenewIfDue}.
         *
         * @param s the store
         * @return this builder
         */
        public Builder identityStore(AgentIdentityStore s) {
            this.store = Objects.requireNonNull(s, "store");
            return this;
        }

        /**
         * Attests every enrollment with a TPM: before enrolling, the client asks the server for an attestation
         * challenge, has the attestor answer it for the agent key, and enrolls with that answer. The agent key must
         * be held by the same TPM (its custody). Without one, enrollments are not attested, and a group that requires
         * attestation refuses them ({@link DenialCode#ATTESTATION_REQUIRED}).
         *
         * @param a the attestor, e.g. {@code heartbeat-tpm}'s {@code TpmEnrollmentAttestor}
         * @return this builder
         */
        public Builder attestor(EnrollmentAttestor a) {
            this.attestor = Objects.requireNonNull(a, "attestor");
            return this;
        }

        /**
         * How the client waits between retry rounds; {@code Thread.sleep} by default.
         *
         * @param s the sleeper
         * @return this builder
         */
        public Builder sleeper(Sleeper s) {
            this.sleeper = Objects.requireNonNull(s, "sleeper");
            return this;
        }

        /**
         * The source of the back-off jitter between retry rounds; a {@code SecureRandom} by default.
         *
         * @param r the generator
         * @return this builder
         */
        public Builder random(RandomGenerator r) {
            this.random = Objects.requireNonNull(r, "random");
            return this;
        }

        /**
         * The {@code User-Agent} header: printable ASCII, at most 100 characters.
         *
         * @param ua the header value
         * @return this builder
         * @throws IllegalArgumentException empty, too long or not printable ASCII
         */
        public Builder userAgent(String ua) {
            if (ua == null || !ua.matches("[\\x20-\\x7e]{1,100}")) {
                throw new IllegalArgumentException("userAgent: 1 to 100 printable ASCII characters");
            }
            this.userAgent = ua;
            return this;
        }

        private static Duration bounded(String name, Duration d, Duration min, Duration max) {
            Objects.requireNonNull(d, name);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + ": " + min + " to " + max);
            }
            return d;
        }

        /** {@return a client with these settings; thread-safe, later changes to this builder do not reach it} */
        public EnrollmentClient build() {
            return new EnrollmentClient(this);
        }
    }
}

