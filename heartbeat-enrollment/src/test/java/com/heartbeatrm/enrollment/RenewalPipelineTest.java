package com.heartbeatrm.enrollment;

import static com.heartbeatrm.enrollment.EnrollmentPipelineTest.denial;
import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.Subject;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Credential generations: each renewal issues the next; an older one locks the agent (a clone); a resent renewal does not. */
class RenewalPipelineTest {
    private static final InetAddress SITE = Agents.ip("203.0.113.7");
    private final Fixture f = new Fixture();
    private final HeartbeatServer server = f.server;

    private Agent enrolled(Agents pc) {
        return ((EnrollmentResult.Enrolled) pc.keep(server.enroll(pc.enrollBody(f.issue().token(), f.clock), server.contextFor(SITE)))).agent();
    }

    private RenewalResult renew(Agents pc, Agent agent) {
        return pc.keep(server.renew(pc.renewBody(agent, f.clock), server.contextFor(SITE)));
    }

    private List<AuditRecord> auditOf(Agent agent) {
        return f.admin.audit().query(AuditQuery.all(f.acme.id()).forSubject(Subject.of(agent.id()))).items();
    }

    /** Asserts that the host's credential check refuses {@code credential} for {@code reason}. */
    private void assertCheckRefuses(AgentCredential credential, DenialReason reason) {
        assertThat(server.credentials().check(credential)).isInstanceOfSatisfying(CredentialCheck.Denied.class,
                c -> assertThat(c.reason()).isEqualTo(reason));
    }

    @Test
    @DisplayName("each renewal issues the next generation; the server keeps the current one")
    void generations() {
        Agents pc = Agents.windows("pc");
        Agent agent = enrolled(pc);
        for (long expected = 2; expected <= 4; expected++) {
            f.clock.advance(Duration.ofHours(1));
            RenewalResult.Renewed r = (RenewalResult.Renewed) renew(pc, agent);
            assertThat(r.agent().credentialGeneration()).isEqualTo(expected);
            assertThat(f.admin.agents().require(f.acme.id(), agent.id()).credentialGeneration()).isEqualTo(expected);
            assertThat(r.toResponse()).isInstanceOfSatisfying(com.heartbeatrm.protocol.EnrollmentResponse.Renewed.class,
                    w -> assertThat(w.generation()).isEqualTo(r.agent().credentialGeneration()));
        }
    }

    @Test
    @DisplayName("a P-256 agent key: enrolls (the server keeps the key type), renews, and a copy of it is locked as a clone")
    void p256AgentKey() {
        Agents pc = Agents.windowsP256("pc-tpm");
        Agent agent = enrolled(pc);
        assertThat(agent.keyType()).isEqualTo(com.heartbeatrm.core.AgentKeyType.ECDSA_P256);
        assertThat(f.admin.agents().require(f.acme.id(), agent.id()).keyType()).isEqualTo(com.heartbeatrm.core.AgentKeyType.ECDSA_P256);
        f.clock.advance(Duration.ofHours(1));
        assertThat(renew(pc, agent)).isInstanceOfSatisfying(RenewalResult.Renewed.class,
                r -> assertThat(r.agent().credentialGeneration()).isEqualTo(2));
        Agents copy = pc.copy();
        f.clock.advance(Duration.ofHours(1));
        assertThat(renew(copy, agent)).isInstanceOf(RenewalResult.Renewed.class);
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(denial(renew(pc, agent))).isEqualTo(DenialReason.CLONE_DETECTED);
    }

    @Test
    @DisplayName("a P-256 request whose proof another P-256 key made is rejected at the proof")
    void p256ForeignProof() {
        Agents pc = Agents.windowsP256("pc-tpm");
        Agent agent = enrolled(pc);
        Agents other = Agents.windowsP256("other");
        byte[] body = com.heartbeatrm.protocol.RenewalRequest.create(agent.id().value(), agent.organizationId().value(),
                com.heartbeatrm.protocol.AgentKeyAlgorithm.ECDSA_P256, pc.keys.publicKey(), Optional.ofNullable(pc.credential),
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX", f.clock.instant(), other.keys::sign).toJson();
        assertThat(denial(server.renew(body, server.contextFor(SITE)))).isEqualTo(DenialReason.BAD_PROOF);
    }

    @Test
    @DisplayName("the clone scenario: a copied identity renews; the original renews with the older generation; both are locked")
    void cloneIsLocked() {
        Agents original = Agents.windows("pc");
        Agent agent = enrolled(original);
        Agents copy = original.copy();
        f.clock.advance(Duration.ofHours(1));
        assertThat(renew(copy, agent)).as("the copy renews first, to generation 2").isInstanceOf(RenewalResult.Renewed.class);
        f.clock.advance(Duration.ofMinutes(1));
        RenewalResult r = renew(original, agent);
        assertThat(denial(r)).isEqualTo(DenialReason.CLONE_DETECTED);
        assertThat(r.toResponse()).isInstanceOfSatisfying(com.heartbeatrm.protocol.EnrollmentResponse.Denied.class, d -> {
            assertThat(d.code()).isEqualTo(DenialCode.AGENT_LOCKED);
            assertThat(d.message()).contains("clone");
        });
        assertThat(f.admin.agents().require(f.acme.id(), agent.id()).status()).isEqualTo(AgentStatus.LOCKED);
        assertThat(denial(renew(copy, agent))).as("the copy is refused too").isEqualTo(DenialReason.AGENT_LOCKED);
        assertThat(denial(renew(original, agent))).isEqualTo(DenialReason.AGENT_LOCKED);
        AuditRecord lock = auditOf(agent).stream().filter(a -> a.event().action() == AuditAction.AGENT_LOCKED).findFirst().orElseThrow();
        assertThat(lock.event().after()).containsEntry("presentedGeneration", "1").containsEntry("currentGeneration", "2")
                .containsEntry("sourceAddress", "203.0.113.7");
        assertThat(lock.event().after().get("reason")).contains("clone");
        // Its credentials stop working at once for the host too.
        assertCheckRefuses(copy.credential, DenialReason.AGENT_LOCKED);

        // Once the copy is wiped, an admin unlocks: the holder of the current generation renews; the stale one locks again.
        f.admin.agents().unlock(f.alice, f.acme.id(), agent.id(), "copy wiped");
        assertThat(renew(copy, agent)).isInstanceOfSatisfying(RenewalResult.Renewed.class,
                n -> assertThat(n.agent().credentialGeneration()).isEqualTo(3));
        assertThat(denial(renew(original, agent))).isEqualTo(DenialReason.CLONE_DETECTED);
    }

    /** An agent, its renewal request an hour after it enrolled, and the server's first answer to that request. */
    private record FirstRenewal(Agents pc, Agent agent, byte[] body, RenewalResult.Renewed first) {
    }

    private FirstRenewal renewedAnHourAfterEnrolling() {
        Agents pc = Agents.windows("pc");
        Agent agent = enrolled(pc);
        f.clock.advance(Duration.ofHours(1));
        byte[] body = pc.renewBody(agent, f.clock);
        return new FirstRenewal(pc, agent, body, (RenewalResult.Renewed) server.renew(body, server.contextFor(SITE)));
    }

    @Test
    @DisplayName("a renewal resent with the same body after its answer was lost gets the same generation again, even hours later")
    void lostAnswerIsARetryNotAClone() {
        FirstRenewal sent = renewedAnHourAfterEnrolling();
        // The answer never arrived: the agent still holds generation 1 and resends the very same request.
        f.clock.advance(Duration.ofHours(3));
        RenewalResult.Renewed again = (RenewalResult.Renewed) server.renew(sent.body(), server.contextFor(SITE));
        assertThat(again.agent().credentialGeneration()).isEqualTo(sent.first().agent().credentialGeneration()).isEqualTo(2);
        assertThat(f.admin.agents().require(f.acme.id(), sent.agent().id()).status()).isEqualTo(AgentStatus.ACTIVE);
        sent.pc().keep(again);
        assertThat(renew(sent.pc(), sent.agent())).isInstanceOfSatisfying(RenewalResult.Renewed.class,
                n -> assertThat(n.agent().credentialGeneration()).isEqualTo(3));
        // But a new request that proves the old generation is a clone, not a retry.
        RenewalResult r = server.renew(RenewalRequest.create(sent.agent().id().value(), sent.agent().organizationId().value(), sent.pc().keys,
                Optional.of(sent.first().credential()), f.clock).toJson(), server.contextFor(SITE));
        assertThat(denial(r)).isEqualTo(DenialReason.CLONE_DETECTED);
    }

    @Test
    @DisplayName("a captured renewal replayed later gets the very credential its first answer held; nothing once a newer one exists")
    void replayedRenewalGetsNothingNew() {
        FirstRenewal sent = renewedAnHourAfterEnrolling();
        for (Duration later : List.of(Duration.ofSeconds(3), Duration.ofMinutes(10), Duration.ofDays(1))) {
            f.clock.advance(later);
            RenewalResult.Renewed again = (RenewalResult.Renewed) server.renew(sent.body(), server.contextFor(Agents.ip("198.51.100.9")));
            assertThat(again.credentialExpiresAt()).as("after %s", later).isEqualTo(sent.first().credentialExpiresAt());
            assertThat(again.credential().reveal()).as("after %s: the same credential, byte for byte", later)
                    .isEqualTo(sent.first().credential().reveal());
            assertThat(again.agent().credentialGeneration()).isEqualTo(2);
        }
        sent.pc().keep(sent.first());
        byte[] second = sent.pc().renewBody(sent.agent(), f.clock);
        sent.pc().keep(server.renew(second, server.contextFor(SITE)));
        assertThat(denial(server.renew(sent.body(), server.contextFor(SITE)))).as("a newer generation exists; its time is old")
                .isEqualTo(DenialReason.CLOCK_SKEW);
        f.clock.advance(Duration.ofSeconds(5));
        assertThat(renew(sent.pc(), sent.agent())).isInstanceOfSatisfying(RenewalResult.Renewed.class,
                n -> assertThat(n.agent().credentialGeneration()).isEqualTo(4));
        assertThat(denial(server.renew(second, server.contextFor(SITE)))).as("a newer generation exists; its nonce is remembered")
                .isEqualTo(DenialReason.REPLAYED);
        assertThat(f.admin.agents().require(f.acme.id(), sent.agent().id()).status()).isEqualTo(AgentStatus.ACTIVE);
    }

    @Test
    @DisplayName("a renewal presenting another agent's credential, or a forged one, is refused and locks nothing")
    void foreignCredentials() {
        Agents a = Agents.windows("a");
        Agents b = Agents.windows("b");
        Agent agentA = enrolled(a);
        enrolled(b);
        Agents thief = a.copy();
        thief.credential = b.credential;
        assertThat(denial(renew(thief, agentA))).isEqualTo(DenialReason.CREDENTIAL_INVALID);
        String text = a.credential.reveal();
        thief.credential = AgentCredential.of(text.substring(0, text.length() - 30) + (text.charAt(text.length() - 30) == 'A' ? 'B' : 'A')
                + text.substring(text.length() - 29));
        assertThat(denial(renew(thief, agentA))).isEqualTo(DenialReason.CREDENTIAL_INVALID);
        assertThat(f.admin.agents().require(f.acme.id(), agentA.id()).status()).isEqualTo(AgentStatus.ACTIVE);
        assertThat(renew(a, agentA)).isInstanceOf(RenewalResult.Renewed.class);
    }

    @Test
    @DisplayName("an expired credential still proves its generation for renewal; the host's check refuses it")
    void expiredCredential() {
        Agents pc = Agents.windows("pc");
        Agent agent = enrolled(pc);
        f.clock.advance(Duration.ofDays(3));
        assertCheckRefuses(pc.credential, DenialReason.CREDENTIAL_EXPIRED);
        assertThat(renew(pc, agent)).isInstanceOf(RenewalResult.Renewed.class);
    }

    @Test
    @DisplayName("the host's credential check: current, active and the agent's own; disabled, superseded and unknown are refused")
    void credentialCheck() {
        Agents pc = Agents.windows("pc");
        Agent agent = enrolled(pc);
        AgentCredential first = pc.credential;
        assertThat(server.credentials().check(first)).isInstanceOfSatisfying(CredentialCheck.Valid.class, v -> {
            assertThat(v.agent().id()).isEqualTo(agent.id());
            assertThat(v.claims().generation()).isEqualTo(1);
        });
        renew(pc, agent);
        assertCheckRefuses(first, DenialReason.CREDENTIAL_SUPERSEDED);
        assertThat(server.credentials().check(pc.credential)).isInstanceOf(CredentialCheck.Valid.class);
        f.admin.agents().setStatus(f.alice, f.acme.id(), agent.id(), AgentStatus.DISABLED);
        assertThat(server.credentials().check(pc.credential)).as("a disabled agent's unexpired credential stops working at once")
                .isInstanceOfSatisfying(CredentialCheck.Denied.class, c -> assertThat(c.reason()).isEqualTo(DenialReason.AGENT_DISABLED));
        Fixture other = new Fixture();
        Agents elsewhere = Agents.windows("elsewhere");
        elsewhere.keep(other.server.enroll(elsewhere.enrollBody(other.issue().token(), other.clock), other.server.contextFor(SITE)));
        assertThat(server.credentials().check(elsewhere.credential)).as("another deployment's credential")
                .isInstanceOfSatisfying(CredentialCheck.Denied.class, c -> assertThat(c.reason()).isEqualTo(DenialReason.CREDENTIAL_INVALID));
    }
}
