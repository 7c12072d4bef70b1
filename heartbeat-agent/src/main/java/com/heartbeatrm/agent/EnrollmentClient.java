package com.heartbeatrm.agent;

import com.heartbeatrm.agent.EnrollmentClientException.Kind;
import com.heartbeatrm.agent.internal.JdkEd25519;
import com.heartbeatrm.agent.internal.PinningTrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

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
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Ed25519Verifier ED25519 = new JdkEd25519();
    private final PinnedKeySet issuerKeys;
    private final Clock clock;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int attempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final boolean allowPlainHttp;
    private final SSLContext unpinnedContext;
    private final AgentIdentityStore store;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final String userAgent;
    private final Map<List<String>, HttpClient> clients = new ConcurrentHashMap<>();
    /** Serializes what reads and writes the identity store: a renewal kept, then sent, must not race another. */
    private final Object storeLock = new Object();

    private EnrollmentClient(Builder b) {
        this.issuerKeys = b.issuerKeys;
        this.clock = b.clock;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.attempts = b.attempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.allowPlainHttp = b.allowPlainHttp;
        this.unpinnedContext = b.unpinnedContext;
        this.store = b.store;
        this.sleeper = b.sleeper;
        this.random = b.random;
        this.userAgent = b.userAgent;
    }

    /** A client that trusts credentials signed by {@code issuerKeys}: the keys pinned into the agent build. */
    public static Builder builder(PinnedKeySet issuerKeys) {
        return new Builder(Objects.requireNonNull(issuerKeys, "issuerKeys"));
    }

    /** Waits between retry rounds; tests plug in one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
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

        public Status status() {
            return status;
        }

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
     */
    public Outcome enroll(VerifiedEnrollmentToken token, AgentFacts facts) throws EnrollmentClientException {
        Objects.requireNonNull(token, "token");
        if (store == null) {
            return enroll(token, AgentKeyPair.generate(), facts);
        }
        String org = token.claims().organizationId();
        synchronized (storeLock) {
            AgentKeyPair keys;
            try {
                Optional<AgentIdentity> enrolled = store.load();
                // A key left behind by an enrollment whose identity was saved belongs to that agent: never reuse it.
                Optional<AgentKeyPair> kept = store.enrollmentKey(org)
                        .filter(k -> enrolled.isEmpty() || !enrolled.get().keys().fingerprint().equals(k.fingerprint()));
                keys = kept.isPresent() ? kept.get() : AgentKeyPair.generate();
                if (kept.isEmpty()) {
                    store.saveEnrollmentKey(org, keys);
                }
            } catch (IOException e) {
                throw new EnrollmentClientException(Kind.IDENTITY_STORE, "cannot keep the enrollment key: " + e.getMessage(), e);
            }
            Outcome o;
            try {
                o = enroll(token, keys, facts);
            } catch (EnrollmentClientException e) {
                if (e.denialCode().filter(c -> c == DenialCode.AGENT_DISABLED || c == DenialCode.AGENT_LOCKED
                        || c == DenialCode.PENDING_EXPIRED).isPresent()) {
                    forgetEnrollmentKey();
                }
                throw e;
            }
            forgetEnrollmentKey();
            return o;
        }
    }

    /** Forgets the kept enrollment key; a failure is not the caller's: the identity is what counts, and it is saved. */
    private void forgetEnrollmentKey() {
        try {
            store.deleteEnrollmentKey();
        } catch (IOException e) {
            // The kept key is used again only by an enrollment into the same organization, before any identity.
        }
    }

    /** Enrolls with the given key pair (e.g. one held by the OS key store). */
    public Outcome enroll(VerifiedEnrollmentToken token, AgentKeyPair keys, AgentFacts facts) throws EnrollmentClientException {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(facts, "facts");
        EnrollmentClaims claims = token.claims();
        checkEndpoints(claims.endpoints(), claims.tlsPins());
        // Each attempt is signed afresh: a new nonce and time. The server answers a retried key pair with its agent.
        EnrollmentResponse r = exchange(claims.endpoints(), claims.tlsPins(), EnrollmentProtocol.ENROLL_PATH,
                () -> EnrollmentRequest.create(token.token(), keys, facts, clock).toJson());
        if (r instanceof EnrollmentResponse.Denied d) {
            throw refused(d);
        }
        if (r instanceof EnrollmentResponse.Pending p) {
            checkPlacement(p.placement(), claims.organizationId(), null);
            AgentIdentity identity = new AgentIdentity(keys, p.placement().agentId(), claims.organizationId(), claims.issuer(),
                    claims.endpoints(), claims.tlsPins(), AgentIdentity.Status.PENDING, Optional.empty(), Optional.empty(),
                    Optional.empty(), 0, p.placement().organizationName(), p.placement().groupPath());
            return save(new Outcome(Outcome.Status.PENDING, identity));
        }
        if (!(r instanceof EnrollmentResponse.Enrolled e)) {
            throw new EnrollmentClientException(Kind.MALFORMED_RESPONSE, "the server answered an enrollment with \"renewed\"");
        }
        checkPlacement(e.placement(), claims.organizationId(), null);
        AgentIdentity pending = new AgentIdentity(keys, e.placement().agentId(), claims.organizationId(), claims.issuer(),
                claims.endpoints(), claims.tlsPins(), AgentIdentity.Status.PENDING, Optional.empty(), Optional.empty(),
                Optional.empty(), 0, e.placement().organizationName(), e.placement().groupPath());
        Verified v = verifyCredential(e, pending);
        return save(new Outcome(Outcome.Status.ENROLLED, pending.withCredential(e.credential(), v.claims(), e.placement(), v.learned(),
                pinsFrom(e, claims.tlsPins()))));
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
     */
    public Outcome renew(AgentIdentity identity) throws EnrollmentClientException {
        Objects.requireNonNull(identity, "identity");
        synchronized (storeLock) {
            return renewCurrent(current(identity));
        }
    }

    /** Renews {@code current}, the copy {@link #current} chose; the caller holds {@code storeLock}. */
    private Outcome renewCurrent(AgentIdentity current) throws EnrollmentClientException {
        checkEndpoints(current.endpoints(), current.tlsPins());
        Optional<AgentIdentity.UnansweredRenewal> unanswered = current.unansweredRenewal();
        if (unanswered.isPresent()) {
            RenewalRequest resent = RenewalRequest.create(current.agentId(), current.organizationId(), current.keys().publicKey(),
                    current.credential(), unanswered.get().nonce(), unanswered.get().at(), current.keys()::sign);
            try {
                Outcome answered = renewWith(current, resent);
                if (answered.status() != Outcome.Status.RENEWED || clock.instant().isBefore(answered.identity().credentialExpiresAt().orElseThrow())) {
                    return answered;
                }
                // The server repeated the credential the kept request got, which has expired since: renew from it now.
                current = answered.identity();
            } catch (EnrollmentClientException e) {
                if (!neverTaken(current, e)) {
                    throw e;
                }
                current = current.withoutUnansweredRenewal();
            }
        }
        RenewalRequest fresh = RenewalRequest.create(current.agentId(), current.organizationId(), current.keys(), current.credential(),
                clock);
        if (store != null) {
            current = saveIdentity(current.withUnansweredRenewal(fresh.nonce(), fresh.timestamp()));
        }
        return renewWith(current, fresh);
    }

    /**
     * Whether the refusal of a resent request shows that the server never took it. A request it took would have been
     * answered again, whatever its age; one it refuses for its time was never taken. A pending agent's poll that was
     * answered as a poll is refused for its nonce; an active agent's kept request is not dropped for that reason,
     * since {@code rejected} also stands for a credential the server cannot check now.
     */
    private static boolean neverTaken(AgentIdentity identity, EnrollmentClientException e) {
        Optional<DenialCode> code = e.kind() == Kind.REFUSED ? e.denialCode() : Optional.empty();
        return code.filter(c -> c == DenialCode.CLOCK_SKEW
                || (c == DenialCode.REJECTED && identity.status() == AgentIdentity.Status.PENDING)).isPresent();
    }

    /**
     * With a store: its copy of {@code given}'s agent when that is at the same or a newer generation; {@code given}
     * when the store is empty or holds an older copy. A store that holds another agent is refused: renewing
     * {@code given} would save it over that agent, whose private key would be lost.
     */
    private AgentIdentity current(AgentIdentity given) throws EnrollmentClientException {
        if (store == null) {
            return given;
        }
        Optional<AgentIdentity> stored = storedIdentity();
        if (stored.isPresent() && !stored.get().sameAgentAs(given)) {
            throw new EnrollmentClientException(Kind.IDENTITY_STORE, "the identity store holds agent " + stored.get().agentId()
                    + ", not " + given.agentId() + "; renew the stored identity, or use a store of its own");
        }
        return stored.filter(s -> s.generation() >= given.generation()).orElse(given);
    }

    private Outcome renewWith(AgentIdentity identity, RenewalRequest request) throws EnrollmentClientException {
        // One body for every attempt: a retry of the same renewal is recognised as such by the server.
        byte[] body = request.toJson();
        EnrollmentResponse r = exchange(identity.endpoints(), identity.tlsPins(), EnrollmentProtocol.RENEW_PATH, () -> body);
        if (r instanceof EnrollmentResponse.Denied d) {
            throw refused(d);
        }
        if (r instanceof EnrollmentResponse.Pending p) {
            if (identity.status() != AgentIdentity.Status.PENDING) {
                throw new EnrollmentClientException(Kind.MALFORMED_RESPONSE, "the server answered \"pending\" for an active agent");
            }
            checkPlacement(p.placement(), identity.organizationId(), identity.agentId());
            return save(new Outcome(Outcome.Status.PENDING, identity.withPlacement(p.placement())));
        }
        if (!(r instanceof EnrollmentResponse.Renewed renewed)) {
            throw new EnrollmentClientException(Kind.MALFORMED_RESPONSE, "the server answered a renewal with \"enrolled\"");
        }
        checkPlacement(renewed.placement(), identity.organizationId(), identity.agentId());
        Verified v = verifyCredential(renewed, identity);
        CredentialClaims c = v.claims();
        if (c.generation() <= identity.generation()) {
            throw new EnrollmentClientException(Kind.BAD_CREDENTIAL, "the renewed credential is of generation " + c.generation()
                    + ", not newer than the one held (" + identity.generation() + ")");
        }
        return save(new Outcome(Outcome.Status.RENEWED, identity.withCredential(renewed.credential(), c, renewed.placement(), v.learned(),
                pinsFrom(renewed, identity.tlsPins()))));
    }

    /**
     * Renews when {@link #renewalDueAt} has come (always while pending, and while a renewal awaits its answer);
     * otherwise returns {@code NOT_DUE}, sending nothing. With a store, its copy is the one judged (see {@link #renew}).
     */
    public Outcome renewIfDue(AgentIdentity identity) throws EnrollmentClientException {
        Objects.requireNonNull(identity, "identity");
        synchronized (storeLock) {
            return renewCurrentIfDue(current(identity));
        }
    }

    private Outcome renewCurrentIfDue(AgentIdentity current) throws EnrollmentClientException {
        if (clock.instant().isBefore(renewalDueAt(current))) {
            return new Outcome(Outcome.Status.NOT_DUE, current);
        }
        return renewCurrent(current);
    }

    /**
     * When the credential should be renewed: at two thirds of its lifetime, less a jitter of up to a tenth of the
     * lifetime that is fixed per agent and generation, so that a fleet enrolled at once does not renew at once.
     * A pending identity is always due (it polls).
     */
    public Instant renewalDueAt(AgentIdentity identity) {
        if (identity.status() == AgentIdentity.Status.PENDING || identity.unansweredRenewal().isPresent()) {
            return Instant.EPOCH;
        }
        Instant issued = identity.credentialIssuedAt().orElseThrow();
        long life = Duration.between(issued, identity.credentialExpiresAt().orElseThrow()).toMillis();
        long jitter = (long) (life / 10.0 * jitterFraction(identity));
        return issued.plusMillis(life * 2 / 3 - jitter);
    }

    private static double jitterFraction(AgentIdentity identity) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((identity.agentId() + ":" + identity.generation())
                    .getBytes(StandardCharsets.US_ASCII));
            long bits = ByteBuffer.wrap(h).getLong();
            return (bits >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------ with an identity store

    /** The identity in the configured store, if any. */
    public Optional<AgentIdentity> storedIdentity() throws EnrollmentClientException {
        try {
            return requireStore().load();
        } catch (IOException e) {
            throw new EnrollmentClientException(Kind.IDENTITY_STORE, "cannot load the agent identity: " + e.getMessage(), e);
        }
    }

    /** Renews the stored identity when due, or enrolls with {@code token} when none is stored. */
    public Outcome enrollOrRenewIfDue(VerifiedEnrollmentToken token, AgentFacts facts) throws EnrollmentClientException {
        synchronized (storeLock) {
            Optional<AgentIdentity> stored = storedIdentity();
            return stored.isPresent() ? renewCurrentIfDue(stored.get()) : enroll(token, facts);
        }
    }

    /** Renews the stored identity now (while pending: polls), or enrolls with {@code token} when none is stored. */
    public Outcome enrollOrRenew(VerifiedEnrollmentToken token, AgentFacts facts) throws EnrollmentClientException {
        synchronized (storeLock) {
            Optional<AgentIdentity> stored = storedIdentity();
            return stored.isPresent() ? renewCurrent(stored.get()) : enroll(token, facts);
        }
    }

    private AgentIdentityStore requireStore() {
        if (store == null) {
            throw new IllegalStateException("no identity store configured (Builder.identityStore)");
        }
        return store;
    }

    private Outcome save(Outcome o) throws EnrollmentClientException {
        saveIdentity(o.identity());
        return o;
    }

    private AgentIdentity saveIdentity(AgentIdentity identity) throws EnrollmentClientException {
        if (store != null) {
            try {
                store.save(identity);
            } catch (IOException e) {
                throw new EnrollmentClientException(Kind.IDENTITY_STORE, "cannot save the agent identity: " + e.getMessage(), e);
            }
        }
        return identity;
    }

    // ------------------------------------------------------------------------------------------- checks

    private void checkEndpoints(List<URI> endpoints, List<String> pins) throws EnrollmentClientException {
        for (URI u : endpoints) {
            if (u.getScheme().equals("http")) {
                if (!pins.isEmpty()) {
                    throw new EnrollmentClientException(Kind.INSECURE_ENDPOINT, "the installer pins TLS keys, but " + u.getHost()
                            + " is plain http: a pin cannot apply to it");
                }
                if (!allowPlainHttp && !isLoopback(u.getHost())) {
                    throw new EnrollmentClientException(Kind.INSECURE_ENDPOINT, u.getHost() + " is plain http and not loopback; "
                            + "only https is used unless plain http is allowed explicitly");
                }
            }
        }
    }

    /** Loopback by its literal form only (never a DNS lookup): {@code localhost}, 127.0.0.0/8, ::1. */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        var m = IPV4_LOOPBACK.matcher(host);
        if (m.matches()) {
            for (int i = 1; i <= 3; i++) {
                if (Integer.parseInt(m.group(i)) > 255) {
                    return false;
                }
            }
            return true;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.indexOf(':') >= 0 && h.matches("[0-9A-Fa-f:]{2,39}")) {
            try {
                return InetAddress.getByName(h).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private static void checkPlacement(EnrollmentResponse.Placement p, String organizationId, String agentId)
            throws EnrollmentClientException {
        if (!p.organizationId().equals(organizationId)) {
            throw new EnrollmentClientException(Kind.MALFORMED_RESPONSE, "the answer names another organization than the installer's");
        }
        if (agentId != null && !p.agentId().equals(agentId)) {
            throw new EnrollmentClientException(Kind.MALFORMED_RESPONSE, "the answer names another agent");
        }
    }

    /** A verified credential, and the issuer keys the agent trusts after this answer (pinned ones excluded). */
    private record Verified(CredentialClaims claims, List<SigningPublicKey> learned) {
    }

    /**
     * Verifies the credential against the pinned issuer keys, the keys this agent learned before, and any key the
     * answer endorses with one of those ({@link KeyEndorsement}): so a credential signed by a rotated key is
     * accepted exactly when a trusted key vouches for it.
     */
    private Verified verifyCredential(EnrollmentResponse.Credentialed r, AgentIdentity identity) throws EnrollmentClientException {
        Map<String, SigningPublicKey> trusted = new LinkedHashMap<>();
        issuerKeys.keys().forEach(k -> trusted.put(k.keyId(), k));
        identity.learnedKeys().forEach(k -> trusted.putIfAbsent(k.keyId(), k));
        List<SigningPublicKey> learned = new ArrayList<>(identity.learnedKeys());
        boolean grew = true;
        // Endorsements may chain (A endorses B, B endorses C): repeat until nothing new is learned.
        while (grew) {
            grew = false;
            for (KeyEndorsement e : r.endorsements()) {
                SigningPublicKey endorser = trusted.get(e.endorsedBy());
                if (!trusted.containsKey(e.key().keyId()) && endorser != null && e.verifiedBy(endorser, ED25519)) {
                    trusted.put(e.key().keyId(), e.key());
                    learned.add(e.key());
                    grew = true;
                }
            }
        }
        while (learned.size() > PinnedKeySet.MAX_KEYS) {
            learned.remove(0);
        }
        CredentialClaims c;
        try {
            // An answer may repeat a credential issued before (a resent request, or an enrollment whose first answer
            // was lost), with its first expiry, which may have passed: such a credential is due for renewal at once.
            c = new AgentCredentialVerifier(kid -> Optional.ofNullable(trusted.get(kid)), clock, ED25519).verifyIgnoringExpiry(r.credential());
        } catch (TokenException e) {
            throw new EnrollmentClientException(Kind.BAD_CREDENTIAL, "the credential does not verify: " + e.reason(), e);
        }
        String problem = !c.issuer().equals(identity.issuer()) ? "another issuer"
                : !c.organizationId().equals(identity.organizationId()) ? "another organization"
                : !c.agentId().equals(r.placement().agentId()) ? "another agent"
                : !c.publicKeyFingerprint().equals(identity.keys().fingerprint()) ? "another agent key"
                : c.generation() != r.generation() ? "another generation than the answer"
                : !c.expiresAt().equals(r.credentialExpiresAt()) ? "another expiry than the answer"
                : null;
        if (problem != null) {
            throw new EnrollmentClientException(Kind.BAD_CREDENTIAL, "the credential names " + problem);
        }
        return new Verified(c, List.copyOf(learned));
    }

    /**
     * The pins to keep after an answer: the server's current ones when it sent some and the connection was pinned
     * (they arrived over a channel the old pins authenticated), else those held. An unpinned agent stays unpinned.
     */
    private static List<String> pinsFrom(EnrollmentResponse.Credentialed r, List<String> held) {
        return held.isEmpty() || r.tlsPins().isEmpty() ? held : r.tlsPins();
    }

    private static EnrollmentClientException refused(EnrollmentResponse.Denied d) {
        return new EnrollmentClientException(Kind.REFUSED, d.code(), d.retryAfter().orElse(null), d.message(), null);
    }

    // ------------------------------------------------------------------------------------------- transport

    /**
     * Tries each endpoint in order, in up to {@code attempts} rounds. Returns the first definitive answer (any
     * parsed answer except a retryable 5xx refusal). TLS failures, pin mismatches and malformed answers move on to
     * the next endpoint but are not retried in later rounds; unreachable and unavailable endpoints are.
     */
    private EnrollmentResponse exchange(List<URI> bases, List<String> pins, String path, Supplier<byte[]> body)
            throws EnrollmentClientException {
        HttpClient http = client(pins);
        EnrollmentClientException hard = null;
        for (int round = 1; ; round++) {
            EnrollmentClientException soft = null;
            Duration serverWait = Duration.ZERO;
            for (URI base : bases) {
                try {
                    EnrollmentResponse r = send(http, base.resolve(path), body.get());
                    if (r instanceof EnrollmentResponse.Denied d && d.code().isRetryable() && d.code() != DenialCode.THROTTLED) {
                        soft = new EnrollmentClientException(Kind.UNAVAILABLE, d.code(), d.retryAfter().orElse(null),
                                base.getHost() + " is unavailable: " + d.message(), null);
                        serverWait = d.retryAfter().filter(w -> w.compareTo(maxBackoff) <= 0).orElse(serverWait);
                        continue;
                    }
                    return r;
                } catch (EnrollmentClientException e) {
                    if (e.kind() == Kind.UNREACHABLE || e.kind() == Kind.UNAVAILABLE) {
                        soft = e;
                    } else if (hard == null || (e.kind() == Kind.PIN_MISMATCH && hard.kind() != Kind.PIN_MISMATCH)) {
                        hard = e;
                    }
                }
            }
            if (soft == null || round >= attempts) {
                throw hard != null ? hard : soft;
            }
            long base = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(round - 1, 20));
            long wait = Math.max(serverWait.toMillis(), base / 2 + (long) (random.nextDouble() * (base / 2.0)));
            try {
                sleeper.sleep(Duration.ofMillis(Math.min(wait, maxBackoff.toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EnrollmentClientException(Kind.UNREACHABLE, "interrupted while waiting to retry", e);
            }
        }
    }

    private EnrollmentResponse send(HttpClient http, URI uri, byte[] body) throws EnrollmentClientException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Content-Type", EnrollmentProtocol.CONTENT_TYPE)
                .header("Accept", EnrollmentProtocol.CONTENT_TYPE).header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, info -> new LimitedBody());
        HttpResponse<byte[]> response;
        try {
            response = future.get(requestTimeout.toMillis() + connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new EnrollmentClientException(Kind.UNREACHABLE, uri.getHost() + " did not answer within " + requestTimeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new EnrollmentClientException(Kind.UNREACHABLE, "interrupted", e);
        } catch (ExecutionException e) {
            throw classify(uri, e.getCause());
        }
        int status = response.statusCode();
        try {
            return EnrollmentResponse.parse(status, response.body());
        } catch (EnrollmentResponse.MalformedException e) {
            if (status >= 500) {
                throw new EnrollmentClientException(Kind.UNAVAILABLE, uri.getHost() + " answered HTTP " + status);
            }
            throw new EnrollmentClientException(Kind.MALFORMED_RESPONSE, uri.getHost() + " answered HTTP " + status + ": " + e.getMessage());
        }
    }

    private static EnrollmentClientException classify(URI uri, Throwable t) {
        String host = uri.getHost();
        for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
            if (x instanceof PinningTrustManager.PinMismatchException pin) {
                return new EnrollmentClientException(Kind.PIN_MISMATCH, "the server at " + host + " is not the one the installer names: "
                        + pin.getMessage(), pin);
            }
        }
        for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
            if (x instanceof LimitedBody.TooLarge) {
                return new EnrollmentClientException(Kind.MALFORMED_RESPONSE, host + " answered more than "
                        + EnrollmentProtocol.MAX_BODY_BYTES + " bytes");
            }
            if (x instanceof SSLException ssl) {
                return new EnrollmentClientException(Kind.TLS_FAILURE, "TLS with " + host + " failed: " + oneLine(ssl), ssl);
            }
            if (x instanceof HttpTimeoutException || x instanceof ConnectException) {
                return new EnrollmentClientException(Kind.UNREACHABLE, host + ":" + port(uri) + " is unreachable ("
                        + x.getClass().getSimpleName() + ")", x);
            }
        }
        return new EnrollmentClientException(Kind.UNREACHABLE, host + ":" + port(uri) + " is unreachable (" + t.getClass().getSimpleName() + ")", t);
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("[\\p{Cntrl}]+", " ");
    }

    private HttpClient client(List<String> pins) {
        return clients.computeIfAbsent(List.copyOf(pins), p -> {
            SSLContext context;
            SSLParameters params = new SSLParameters();
            params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            try {
                if (p.isEmpty()) {
                    context = unpinnedContext != null ? unpinnedContext : SSLContext.getDefault();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                } else {
                    context = SSLContext.getInstance("TLS");
                    context.init(null, new TrustManager[] {new PinningTrustManager(p)}, new SecureRandom());
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("TLS is unavailable in this JDK", e);
            }
            return HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1).sslContext(context).sslParameters(params).build();
        });
    }

    /** Collects a response body up to the protocol's limit; a longer one fails without being read to its end. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        static final class TooLarge extends IOException {
            private static final long serialVersionUID = 1L;

            TooLarge() {
                super("response body too large");
            }
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                if (buffer.size() + b.remaining() > EnrollmentProtocol.MAX_BODY_BYTES) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                buffer.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(buffer.toByteArray());
        }
    }

    // ------------------------------------------------------------------------------------------------ builder

    public static final class Builder {
        private final PinnedKeySet issuerKeys;
        private Clock clock = Clock.systemUTC();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int attempts = 3;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private boolean allowPlainHttp;
        private SSLContext unpinnedContext;
        private AgentIdentityStore store;
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());
        private RandomGenerator random = new SecureRandom();
        private String userAgent = "heartbeat-agent/0.1";

        private Builder(PinnedKeySet issuerKeys) {
            this.issuerKeys = issuerKeys;
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** How long to wait for a TCP and TLS connection; 1 s to 2 min, default 10 s. */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = bounded("connectTimeout", d, Duration.ofSeconds(1), Duration.ofMinutes(2));
            return this;
        }

        /** How long to wait for an answer once connected; 1 s to 2 min, default 30 s. */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = bounded("requestTimeout", d, Duration.ofSeconds(1), Duration.ofMinutes(2));
            return this;
        }

        /**
         * Rounds over the endpoints when they are unreachable or unavailable (1 to 10, default 3), and the back-off
         * between rounds: {@code initial}, doubling, at most {@code max} (each 0 to 5 min; defaults 1 s and 30 s).
         * Keep the total under the server's clock-skew window (5 min by default): a renewal resends one body.
         */
        public Builder retries(int attempts, Duration initial, Duration max) {
            if (attempts < 1 || attempts > 10) {
                throw new IllegalArgumentException("attempts: 1 to 10");
            }
            this.attempts = attempts;
            this.initialBackoff = bounded("initial", initial, Duration.ZERO, Duration.ofMinutes(5));
            this.maxBackoff = bounded("max", max, initial, Duration.ofMinutes(5));
            return this;
        }

        /** Allows plain {@code http} endpoints on any host (never with pins). Off by default: only loopback may be plain. */
        public Builder allowPlainHttp(boolean allow) {
            this.allowPlainHttp = allow;
            return this;
        }

        /** The TLS context for servers without pins (default: the JDK's, with its trust store). */
        public Builder unpinnedTls(SSLContext context) {
            this.unpinnedContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /** Saves every new identity there before a call returns, and enables {@link #enrollOrRenewIfDue}. */
        public Builder identityStore(AgentIdentityStore s) {
            this.store = Objects.requireNonNull(s, "store");
            return this;
        }

        public Builder sleeper(Sleeper s) {
            this.sleeper = Objects.requireNonNull(s, "sleeper");
            return this;
        }

        public Builder random(RandomGenerator r) {
            this.random = Objects.requireNonNull(r, "random");
            return this;
        }

        /** The {@code User-Agent} header: printable ASCII, at most 100 characters. */
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

        public EnrollmentClient build() {
            return new EnrollmentClient(this);
        }
    }
}
