package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.RenewalRequest;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real HTTPS server on a loopback port: pinning, trust, failover, hostile answers, renewal timing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("EnrollmentClient over real TLS")
class EnrollmentClientTest {
    private static final AgentFacts FACTS = new AgentFacts("pc-1", "linux", "6.1", "1.0", Optional.empty());
    private final TestKeys issuer = TestKeys.generate();
    private Path keys;
    private ProtocolServer server;
    private ProtocolServer.TlsIdentity other;
    private final List<Duration> slept = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        keys = Files.createTempDirectory("hb-client-test");
        server = new ProtocolServer(issuer, ProtocolServer.TlsIdentity.create(keys, "served"), Clock.systemUTC());
        other = ProtocolServer.TlsIdentity.create(keys, "other");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        server.mode.set(ProtocolServer.Mode.NORMAL);
        server.requests.set(0);
        server.generation.set(0);
        server.renewals.clear();
        server.closeEachConnection = false;
        server.fullHandshakes.set(0);
        server.sessionCreated.clear();
        slept.clear();
    }

    private EnrollmentClient.Builder client() {
        return EnrollmentClient.builder(PinnedKeySet.of(issuer.publicKey)).retries(3, Duration.ofMillis(10), Duration.ofMillis(40))
                .sleeper(slept::add).connectTimeout(Duration.ofSeconds(2));
    }

    @Test
    @DisplayName("renewals on new TLS connections resume the session (TLS 1.3 ticket): one full handshake, not one per renewal")
    void renewalsResumeTheTlsSession() throws Exception {
        server.closeEachConnection = true;
        EnrollmentClient c = client().identityStore(FileAgentIdentityStore.in(dir.resolve("state"))).build();
        c.enroll(server.token(List.of(), List.of(server.tls.pin())), FACTS);
        for (int i = 0; i < 3; i++) {
            assertThat(c.renew(c.storedIdentity().orElseThrow()).status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
        }
        assertThat(server.requests.get()).isEqualTo(4);
        // Four connections (the server closed each one), one TLS session: the three renewals resumed it with a TLS 1.3
        // ticket. A resumed session keeps the creation time the ticket carries; a full handshake makes a new one.
        assertThat(server.sessionCreated).hasSize(4);
        assertThat(new java.util.HashSet<>(server.sessionCreated)).hasSize(1);
        // The key manager's certificate choices: one below JDK 25. JDK 25's server also consults it when it restores a
        // session from a ticket (javax.net.debug: "Restored 1 local certificates from session ticket", with the
        // pre_shared_key accepted and no Certificate message sent), so there it is asked on every connection.
        if (Runtime.version().feature() < 25) {
            assertThat(server.fullHandshakes.get()).isEqualTo(1);
        } else if (Runtime.version().feature() == 25) {
            assertThat(server.fullHandshakes.get()).isEqualTo(4);
        } else {
            assertThat(server.fullHandshakes.get()).isBetween(1, 4);
        }
    }

    @Test
    @DisplayName("another client (a restarted agent) has no session to resume: a full handshake")
    void aNewClientHandshakesInFull() throws Exception {
        server.closeEachConnection = true;
        client().identityStore(FileAgentIdentityStore.in(dir.resolve("a"))).build().enroll(server.token(List.of(), List.of(server.tls.pin())), FACTS);
        client().identityStore(FileAgentIdentityStore.in(dir.resolve("b"))).build().enroll(server.token(List.of(), List.of(server.tls.pin())), FACTS);
        assertThat(server.fullHandshakes.get()).isEqualTo(2);
        assertThat(new java.util.HashSet<>(server.sessionCreated)).hasSize(2);
    }

    @Test
    @DisplayName("a self-signed server whose key the token pins: enrolls, verifies the credential and renews")
    void pinnedSelfSigned() throws Exception {
        EnrollmentClient c = client().identityStore(FileAgentIdentityStore.in(dir.resolve("state"))).build();
        EnrollmentClient.Outcome o = c.enroll(server.token(List.of(), List.of(server.tls.pin())), FACTS);
        assertThat(o.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
        assertThat(o.identity().generation()).isEqualTo(1);
        assertThat(o.identity().groupPath()).isEqualTo("Customer A");
        EnrollmentClient.Outcome r = c.renew(c.storedIdentity().orElseThrow());
        assertThat(r.status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
        assertThat(r.identity().generation()).isEqualTo(2);
        assertThat(c.storedIdentity().orElseThrow().generation()).isEqualTo(2);
        assertThat(Files.getPosixFilePermissions(dir.resolve("state"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("state").resolve(FileAgentIdentityStore.FILE_NAME)))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(r.identity().toString()).doesNotContain(r.identity().credential().orElseThrow().reveal());
    }

    @Test
    @DisplayName("a state directory nobody made, holding nobody's key pair: IDENTITY_STORE before any request, never enrolled with that key")
    void plantedStateDirectory() throws Exception {
        OtherUser.require();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        VerifiedEnrollmentToken token = server.token(List.of(), List.of(server.tls.pin()));
        Path scratch = dir.resolve("scratch");
        FileAgentIdentityStore.in(scratch).saveEnrollmentKey(token.claims().organizationId(), AgentKeyPair.generate());
        Path planted = dir.resolve("planted");
        OtherUser.sh("umask 077 && mkdir " + OtherUser.q(planted) + " && cat > " + OtherUser.q(planted.resolve(FileAgentIdentityStore.ENROLLING_FILE_NAME)),
                Files.readAllBytes(scratch.resolve(FileAgentIdentityStore.ENROLLING_FILE_NAME)));
        EnrollmentClient c = client().identityStore(FileAgentIdentityStore.in(planted)).build();
        assertThatThrownBy(() -> c.enrollOrRenew(token, FACTS)).isInstanceOfSatisfying(EnrollmentClientException.class, e -> {
            assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.IDENTITY_STORE);
            assertThat(e.getCause()).isInstanceOfSatisfying(UnsafeStateException.class,
                    u -> assertThat(u.reason()).isEqualTo(UnsafeStateException.Reason.FOREIGN_OWNER));
            assertThat(e.getMessage()).contains(planted.toString()).contains("owned by another user");
        });
        assertThatThrownBy(() -> c.enroll(token, FACTS)).isInstanceOfSatisfying(EnrollmentClientException.class,
                e -> assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.IDENTITY_STORE));
        assertThat(server.requests.get()).as("nothing was sent").isZero();
    }

    @Test
    @DisplayName("a token pinning another key: PIN_MISMATCH naming the server's pin, and the server saw no request")
    void pinMismatch() throws Exception {
        EnrollmentClient c = client().build();
        assertThatThrownBy(() -> c.enroll(server.token(List.of(), List.of(other.pin())), FACTS))
                .isInstanceOfSatisfying(EnrollmentClientException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.PIN_MISMATCH);
                    assertThat(e.getMessage()).contains(server.tls.pin());
                });
        assertThat(server.requests.get()).as("no byte of the request was sent").isZero();
    }

    @Test
    @DisplayName("an unpinned https token uses the JDK's trust: refused for an untrusted certificate, accepted when the CA is trusted")
    void unpinnedUsesJdkTrust() throws Exception {
        assertThatThrownBy(() -> client().build().enroll(server.token(List.of(), List.of()), FACTS))
                .isInstanceOfSatisfying(EnrollmentClientException.class, e -> assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.TLS_FAILURE));
        assertThat(server.requests.get()).isZero();
        EnrollmentClient.Outcome o = client().unpinnedTls(server.tls.trustingThis()).build().enroll(server.token(List.of(), List.of()), FACTS);
        assertThat(o.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
    }

    @Test
    @DisplayName("endpoint failover: an unreachable first endpoint, then the server")
    void failover() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        VerifiedEnrollmentToken t = server.token(List.of(URI.create("https://127.0.0.1:" + closed + "/v1/")), List.of(server.tls.pin()));
        EnrollmentClient.Outcome o = client().build().enroll(t, FACTS);
        assertThat(o.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
        assertThat(server.requests.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("a tampered credential or a truncated answer: a typed error, and nothing saved")
    void hostileAnswers() throws Exception {
        Path state = dir.resolve("hostile");
        EnrollmentClient c = client().identityStore(FileAgentIdentityStore.in(state)).build();
        server.mode.set(ProtocolServer.Mode.TAMPERED);
        assertThatThrownBy(() -> c.enroll(server.token(List.of(), List.of(server.tls.pin())), FACTS))
                .isInstanceOfSatisfying(EnrollmentClientException.class, e -> assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.BAD_CREDENTIAL));
        server.mode.set(ProtocolServer.Mode.TRUNCATED);
        assertThatThrownBy(() -> c.enroll(server.token(List.of(), List.of(server.tls.pin())), FACTS))
                .isInstanceOfSatisfying(EnrollmentClientException.class,
                        e -> assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.MALFORMED_RESPONSE));
        assertThat(c.storedIdentity()).isEmpty();
        assertThat(Files.exists(state.resolve(FileAgentIdentityStore.FILE_NAME))).isFalse();
    }

    @Test
    @DisplayName("503 on every try: UNAVAILABLE after the bounded retries, waiting the server's Retry-After (up to the client's bound)")
    void unavailable() throws Exception {
        server.mode.set(ProtocolServer.Mode.UNAVAILABLE);
        EnrollmentClient patient = client().retries(3, Duration.ofMillis(10), Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> patient.enroll(server.token(List.of(), List.of(server.tls.pin())), FACTS))
                .isInstanceOfSatisfying(EnrollmentClientException.class, e -> assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.UNAVAILABLE));
        assertThat(server.requests.get()).isEqualTo(3);
        assertThat(slept).hasSize(2).allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
    }

    @Test
    @DisplayName("refused as a clone: REFUSED with the reason code and the server's words")
    void refusedClone() throws Exception {
        server.mode.set(ProtocolServer.Mode.DENY_CLONE);
        assertThatThrownBy(() -> client().build().enroll(server.token(List.of(), List.of(server.tls.pin())), FACTS))
                .isInstanceOfSatisfying(EnrollmentClientException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.REFUSED);
                    assertThat(e.denialCode()).contains(DenialCode.AGENT_LOCKED);
                    assertThat(e.getMessage()).contains("clone");
                });
    }

    @Test
    @DisplayName("plain http to a non-loopback host is refused before any connection")
    void insecureEndpoint() throws Exception {
        Instant now = Instant.now();
        EnrollmentClaims claims = new EnrollmentClaims(EnrollmentClaims.FORMAT_VERSION, ProtocolServer.ISSUER, TestKeys.ORG, TestKeys.KEY,
                TestKeys.JTI, now, Optional.of(now.plusSeconds(60)), List.of(URI.create("http://192.0.2.1/v1/")), List.of(), Optional.empty());
        VerifiedEnrollmentToken t = EnrollmentTokenVerifier.builder(PinnedKeySet.of(issuer.publicKey)).build().verify(issuer.token(claims));
        assertThatThrownBy(() -> client().build().enroll(t, FACTS)).isInstanceOfSatisfying(EnrollmentClientException.class,
                e -> assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.INSECURE_ENDPOINT));
    }

    @Test
    @DisplayName("renewal falls due at about two thirds of the lifetime, minus a fixed jitter of at most a tenth; not before")
    void renewalTiming() throws Exception {
        EnrollmentClient.Outcome o = client().build().enroll(server.token(List.of(), List.of(server.tls.pin())), FACTS);
        AgentIdentity id = o.identity();
        Instant issued = id.credentialIssuedAt().orElseThrow();
        Duration life = Duration.between(issued, id.credentialExpiresAt().orElseThrow());
        Instant due = client().build().renewalDueAt(id);
        assertThat(due).isBetween(issued.plus(life.multipliedBy(2).dividedBy(3)).minus(life.dividedBy(10)),
                issued.plus(life.multipliedBy(2).dividedBy(3)));
        assertThat(client().build().renewalDueAt(id)).as("fixed per agent and generation").isEqualTo(due);
        int before = server.requests.get();
        EnrollmentClient early = client().clock(Clock.fixed(due.minusSeconds(1), ZoneOffset.UTC)).build();
        assertThat(early.renewIfDue(id).status()).isEqualTo(EnrollmentClient.Outcome.Status.NOT_DUE);
        assertThat(server.requests.get()).as("nothing sent when not due").isEqualTo(before);
        EnrollmentClient onTime = client().clock(Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), due.plusSeconds(1)))).build();
        assertThat(onTime.renewIfDue(id).status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
    }

    @Test
    @DisplayName("a renewal left unanswered is saved first and sent again, identical, after a restart; a stale one gives way to a fresh one")
    void unansweredRenewalSurvivesRestart() throws Exception {
        FileAgentIdentityStore store = FileAgentIdentityStore.in(dir.resolve("agent"));
        VerifiedEnrollmentToken token = server.token(List.of(), List.of(server.tls.pin()));
        AgentIdentity enrolled = client().identityStore(store).build().enroll(token, FACTS).identity();

        server.mode.set(ProtocolServer.Mode.UNAVAILABLE);
        assertThatThrownBy(() -> client().identityStore(store).build().renew(enrolled))
                .isInstanceOfSatisfying(EnrollmentClientException.class, e -> assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.UNAVAILABLE));
        assertThat(server.renewals).hasSize(3);
        assertThat(server.renewals).allSatisfy(b -> assertThat(b).isEqualTo(server.renewals.get(0)));
        AgentIdentity waiting = store.load().orElseThrow();
        assertThat(waiting.unansweredRenewalSince()).isPresent();
        assertThat(waiting.generation()).isEqualTo(enrolled.generation());
        EnrollmentClient restarted = client().identityStore(store).build();
        assertThat(restarted.renewalDueAt(waiting)).as("an unanswered renewal is due at once").isEqualTo(Instant.EPOCH);

        server.mode.set(ProtocolServer.Mode.NORMAL);
        EnrollmentClient.Outcome renewed = restarted.renew(enrolled);
        assertThat(renewed.status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
        assertThat(server.renewals).hasSize(4);
        assertThat(server.renewals.get(3)).as("the stored request, sent again to the byte").isEqualTo(server.renewals.get(0));
        assertThat(store.load().orElseThrow().unansweredRenewalSince()).isEmpty();
        assertThat(store.load().orElseThrow().generation()).isEqualTo(renewed.identity().generation());

        server.mode.set(ProtocolServer.Mode.UNAVAILABLE);
        assertThatThrownBy(() -> restarted.renew(renewed.identity())).isInstanceOf(EnrollmentClientException.class);
        byte[] stale = server.renewals.get(server.renewals.size() - 1);
        server.mode.set(ProtocolServer.Mode.CLOCK_SKEW_ONCE);
        int before = server.renewals.size();
        assertThat(restarted.renewIfDue(store.load().orElseThrow()).status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
        assertThat(server.renewals).hasSize(before + 2);
        assertThat(server.renewals.get(before)).as("the stored request first").isEqualTo(stale);
        assertThat(RenewalRequest.parse(server.renewals.get(before + 1)).nonce()).as("then a fresh one")
                .isNotEqualTo(RenewalRequest.parse(stale).nonce());
        assertThat(store.load().orElseThrow().unansweredRenewalSince()).isEmpty();
    }

    @Test
    @DisplayName("an enrollment left unanswered keeps its key pair in the store; the next one, after a restart, uses the same key")
    void unansweredEnrollmentKeepsItsKey() throws Exception {
        FileAgentIdentityStore store = FileAgentIdentityStore.in(dir.resolve("agent"));
        VerifiedEnrollmentToken token = server.token(List.of(), List.of(server.tls.pin()));
        server.mode.set(ProtocolServer.Mode.UNAVAILABLE);
        assertThatThrownBy(() -> client().identityStore(store).build().enrollOrRenewIfDue(token, FACTS))
                .isInstanceOfSatisfying(EnrollmentClientException.class, e -> assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.UNAVAILABLE));
        assertThat(store.load()).isEmpty();
        String kept = store.enrollmentKey(TestKeys.ORG).orElseThrow().fingerprint();

        server.mode.set(ProtocolServer.Mode.NORMAL);
        EnrollmentClient.Outcome enrolled = client().identityStore(FileAgentIdentityStore.in(dir.resolve("agent"))).build()
                .enrollOrRenewIfDue(token, FACTS);
        assertThat(enrolled.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
        assertThat(enrolled.identity().keys().fingerprint()).isEqualTo(kept);
        assertThat(store.load().orElseThrow().keys().fingerprint()).isEqualTo(kept);
        assertThat(store.enrollmentKey(TestKeys.ORG)).as("forgotten once the identity is saved").isEmpty();

        AgentKeyPair own = AgentKeyPair.generate();
        store.delete();
        assertThat(client().identityStore(store).build().enroll(token, own, FACTS).identity().keys().fingerprint())
                .as("a caller's own key pair is used as given").isEqualTo(own.fingerprint());
        assertThat(store.enrollmentKey(TestKeys.ORG)).isEmpty();
    }

    /** A client with a file store, the token it enrolled with and the identity it enrolled as. */
    private record Unanswered(FileAgentIdentityStore store, VerifiedEnrollmentToken token, EnrollmentClient client,
            AgentIdentity enrolled) {
    }

    /** Enrolls with a file store, then renews while the server is unavailable: the store keeps that renewal, unanswered. */
    private Unanswered enrolledThenUnanswered() throws Exception {
        FileAgentIdentityStore store = FileAgentIdentityStore.in(dir.resolve("agent"));
        VerifiedEnrollmentToken token = server.token(List.of(), List.of(server.tls.pin()));
        EnrollmentClient client = client().identityStore(store).build();
        AgentIdentity enrolled = client.enroll(token, FACTS).identity();
        ProtocolServer.Mode was = server.mode.getAndSet(ProtocolServer.Mode.UNAVAILABLE);
        assertThatThrownBy(() -> client.renew(enrolled)).isInstanceOf(EnrollmentClientException.class);
        server.mode.set(was);
        return new Unanswered(store, token, client, enrolled);
    }

    @Test
    @DisplayName("with a store, its copy is renewed: an older copy in the caller's hands neither loses the kept request nor overwrites a newer credential")
    void storeIsTheAuthority() throws Exception {
        Unanswered u = enrolledThenUnanswered();

        // The caller's copy keeps N0; the store has since kept N1 for the same generation: N1 is what goes out.
        AgentIdentity withN0 = u.store().load().orElseThrow();
        String n1 = "N1".repeat(16);
        u.store().save(withN0.withUnansweredRenewal(n1, Instant.now()));
        server.mode.set(ProtocolServer.Mode.NORMAL);
        server.renewals.clear();
        assertThat(u.client().renew(withN0).status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
        assertThat(server.renewals).hasSize(1);
        assertThat(RenewalRequest.parse(server.renewals.get(0)).nonce()).isEqualTo(n1);

        // renewIfDue with a copy that knows of no kept request: the store's copy is due at once.
        AgentIdentity newer = u.store().load().orElseThrow();
        u.store().save(newer.withUnansweredRenewal("N2".repeat(16), Instant.now()));
        server.renewals.clear();
        assertThat(u.client().renewIfDue(newer).status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
        assertThat(RenewalRequest.parse(server.renewals.get(0)).nonce()).isEqualTo("N2".repeat(16));

        // The caller still holds the enrolled (older) copy: the stored, newer credential is presented and never overwritten.
        AgentIdentity stored = u.store().load().orElseThrow();
        assertThat(stored.generation()).isGreaterThan(u.enrolled().generation());
        server.renewals.clear();
        EnrollmentClient.Outcome again = u.client().renew(u.enrolled());
        assertThat(RenewalRequest.parse(server.renewals.get(0)).credential()).isEqualTo(stored.credential());
        assertThat(u.store().load().orElseThrow().generation()).isEqualTo(again.identity().generation()).isGreaterThan(stored.generation());
        assertThat(u.client().renewIfDue(u.enrolled()).identity().generation()).as("NOT_DUE hands back the stored copy")
                .isEqualTo(again.identity().generation());
    }

    @Test
    @DisplayName("an active agent keeps its unanswered renewal when the resend is rejected; a store holding another agent is refused, untouched")
    void keptOnRejectedAndNeverOverAnotherAgent() throws Exception {
        Unanswered u = enrolledThenUnanswered();
        byte[] kept = u.store().load().orElseThrow().toStateBytes();

        server.mode.set(ProtocolServer.Mode.REJECT_ONCE);
        int before = server.renewals.size();
        assertThatThrownBy(() -> u.client().renew(u.enrolled())).isInstanceOfSatisfying(EnrollmentClientException.class,
                e -> assertThat(e.denialCode()).contains(DenialCode.REJECTED));
        assertThat(server.renewals).as("no fresh renewal after rejected").hasSize(before + 1);
        assertThat(u.store().load().orElseThrow().toStateBytes()).as("the request stays kept").isEqualTo(kept);

        AgentIdentity other = client().build().enroll(u.token(), FACTS).identity();
        int sent = server.renewals.size();
        assertThatThrownBy(() -> u.client().renew(other)).isInstanceOfSatisfying(EnrollmentClientException.class,
                e -> assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.IDENTITY_STORE));
        assertThat(server.renewals).as("nothing sent").hasSize(sent);
        assertThat(u.store().load().orElseThrow().toStateBytes()).as("the stored agent is untouched").isEqualTo(kept);
    }
}
