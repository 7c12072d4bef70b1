package com.heartbeatrm.enrollment;

import static com.heartbeatrm.enrollment.EnrollmentPipelineTest.denial;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentAttestation;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AttestationRequiredException;
import com.heartbeatrm.core.AttestationRequirement;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.Subject;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * "A group that requires TPM attestation holds only attested agents with live credentials", on every path that
 * reaches that state besides enrollment: an admin's move, approval, enable and unlock, and the agent's renewal after
 * the setting was turned on (on its group or inherited from an ancestor).
 */
@DisplayName("attestation=tpm on the admin paths and at renewal")
class AttestationRulesTest {
    private static final InetAddress SITE = Agents.ip("203.0.113.7");
    private final Fixture f = new Fixture();
    private final HeartbeatServer server = f.server;
    private final Actor alice = f.alice;
    private final Group vault = f.admin.groups().create(alice, f.acme.id(), f.acme.rootGroup().id(), "Vault");

    AttestationRulesTest() {
        f.admin.groups().setOverride(alice, f.acme.id(), vault.id(), SecuritySetting.ATTESTATION, AttestationRequirement.TPM);
    }

    private EnrollmentResult enroll(Agents pc) {
        return pc.keep(server.enroll(pc.enrollBody(f.issue().token(), f.clock), server.contextFor(SITE)));
    }

    private RenewalResult renew(Agents pc, Agent agent) {
        return pc.keep(server.renew(pc.renewBody(agent, f.clock), server.contextFor(SITE)));
    }

    private Agent stored(Agent a) {
        return f.admin.agents().require(f.acme.id(), a.id());
    }

    private List<AuditEvent> auditOf(Agent agent) {
        return f.admin.audit().query(AuditQuery.all(f.acme.id()).forSubject(Subject.of(agent.id())).withPage(PageRequest.first(100))).items()
                .stream().map(AuditRecord::event).toList();
    }

    /** An attested agent, stored as an attested enrollment stores it (the TPM path itself is AttestedEnrollmentTest's). */
    private Agent attestedAgent(String hostname) {
        java.time.Instant now = f.clock.instant();
        String fp = Agents.windowsP256(hostname).keys.fingerprint();
        com.heartbeatrm.core.spi.EnrollmentAttempt attempt = new com.heartbeatrm.core.spi.EnrollmentAttempt(f.acme.id(),
                com.heartbeatrm.core.InstallerId.random(), f.keyA.id(), "hbs_test", fp, "n".repeat(22), now.plusSeconds(300), now, Optional.empty());
        Agent agent = new Agent(com.heartbeatrm.core.AgentId.random(), f.acme.id(), f.customerA.id(), AgentStatus.ACTIVE, now, f.keyA.id(),
                Optional.of(attempt.installer()), hostname, com.heartbeatrm.core.Platform.WINDOWS, fp, com.heartbeatrm.core.AgentKeyType.ECDSA_P256,
                now, 1, Optional.of(now), Optional.of(now.plusSeconds(86400)),
                Optional.of(AgentAttestation.allowListed("ab".repeat(32), now)), Optional.empty(), 0);
        f.store.agents().enroll(attempt, facts -> new com.heartbeatrm.core.spi.EnrollmentVerdict.Admit(agent, AuditEvent.of(now, f.acme.id(),
                Actor.SYSTEM, AuditAction.AGENT_ENROLLED, Subject.of(agent.id()), java.util.Map.of(), java.util.Map.of())));
        return stored(agent);
    }

    private void lock(Agent a) {
        Agent current = stored(a);
        f.store.agents().update(current.withStatus(AgentStatus.LOCKED), current.version(), AuditEvent.of(f.clock.instant(), f.acme.id(),
                Actor.SYSTEM, AuditAction.AGENT_LOCKED, Subject.of(a.id()), java.util.Map.of(), java.util.Map.of("status", "LOCKED")));
    }

    @Test
    @DisplayName("an agent without attestation is not moved into a group that requires it, itself or by inheritance")
    void moveRefused() {
        Agent agent = ((EnrollmentResult.Enrolled) enroll(Agents.windows("pc-1"))).agent();
        assertThatThrownBy(() -> f.admin.agents().move(alice, f.acme.id(), agent.id(), vault.id()))
                .isInstanceOfSatisfying(AttestationRequiredException.class, e -> {
                    assertThat(e.agent()).isEqualTo(agent.id());
                    assertThat(e.group()).isEqualTo(vault.id());
                    assertThat(e.getMessage()).contains("not TPM-attested").contains("\"Vault\"").contains("attestation=tpm");
                });
        Group inner = f.admin.groups().create(alice, f.acme.id(), vault.id(), "Inner");
        assertThatThrownBy(() -> f.admin.agents().move(alice, f.acme.id(), agent.id(), inner.id())).isInstanceOf(AttestationRequiredException.class);
        assertThat(stored(agent).groupId()).isEqualTo(f.customerA.id());
        assertThat(auditOf(agent)).noneMatch(e -> e.action() == AuditAction.AGENT_MOVED);

        // An attested agent moves in; an unattested one moves anywhere else.
        Agent withTpm = attestedAgent("pc-tpm");
        assertThat(f.admin.agents().move(alice, f.acme.id(), withTpm.id(), vault.id()).groupId()).isEqualTo(vault.id());
        Agent plain = ((EnrollmentResult.Enrolled) enroll(Agents.windows("pc-2"))).agent();
        assertThat(f.admin.agents().move(alice, f.acme.id(), plain.id(), f.acme.rootGroup().id()).groupId()).isEqualTo(f.acme.rootGroup().id());
    }

    @Test
    @DisplayName("a pending agent without attestation is not approved where attestation is now required; it stays pending")
    void approvalRefused() {
        Agents pc = Agents.windows("pc-1");
        f.issueRequiringApproval();
        Agent pending = ((Pending) enroll(pc)).agent();
        Agent other = ((Pending) enroll(Agents.windows("pc-2"))).agent();
        f.admin.groups().setOverride(alice, f.acme.id(), f.customerA.id(), SecuritySetting.ATTESTATION, AttestationRequirement.TPM);
        assertThatThrownBy(() -> f.admin.agents().approve(alice, f.acme.id(), pending.id())).isInstanceOf(AttestationRequiredException.class)
                .hasMessageContaining("approved in");
        assertThatThrownBy(() -> f.admin.agents().setStatus(alice, f.acme.id(), pending.id(), AgentStatus.ACTIVE))
                .isInstanceOf(AttestationRequiredException.class);
        assertThat(stored(pending).status()).isEqualTo(AgentStatus.PENDING);
        // The admin's ways out: move it where attestation is not required and approve it there, or deny it.
        f.admin.agents().move(alice, f.acme.id(), pending.id(), f.acme.rootGroup().id());
        assertThat(f.admin.agents().approve(alice, f.acme.id(), pending.id()).status()).isEqualTo(AgentStatus.ACTIVE);
        assertThat(f.admin.agents().reject(alice, f.acme.id(), other.id()).status()).isEqualTo(AgentStatus.DISABLED);
    }

    @Test
    @DisplayName("a disabled or locked agent without attestation is not enabled or unlocked where attestation is required")
    void enableAndUnlockRefused() {
        Agent agent = ((EnrollmentResult.Enrolled) enroll(Agents.windows("pc-1"))).agent();
        f.admin.agents().setStatus(alice, f.acme.id(), agent.id(), AgentStatus.DISABLED);
        f.admin.groups().setOverride(alice, f.acme.id(), f.acme.rootGroup().id(), SecuritySetting.ATTESTATION, AttestationRequirement.TPM);
        assertThatThrownBy(() -> f.admin.agents().setStatus(alice, f.acme.id(), agent.id(), AgentStatus.ACTIVE))
                .isInstanceOf(AttestationRequiredException.class).hasMessageContaining("enabled in");
        assertThat(stored(agent).status()).isEqualTo(AgentStatus.DISABLED);

        lock(agent);
        assertThatThrownBy(() -> f.admin.agents().unlock(alice, f.acme.id(), agent.id(), "copy removed"))
                .isInstanceOf(AttestationRequiredException.class).hasMessageContaining("unlocked in");
        assertThat(stored(agent).status()).isEqualTo(AgentStatus.LOCKED);
        // Disabling is always allowed; an attested agent is unlocked and enabled.
        assertThat(f.admin.agents().setStatus(alice, f.acme.id(), agent.id(), AgentStatus.DISABLED).status()).isEqualTo(AgentStatus.DISABLED);
        Agent tpm = attestedAgent("pc-tpm");
        lock(tpm);
        assertThat(f.admin.agents().unlock(alice, f.acme.id(), tpm.id(), "copy removed").status()).isEqualTo(AgentStatus.ACTIVE);
        f.admin.agents().setStatus(alice, f.acme.id(), tpm.id(), AgentStatus.DISABLED);
        assertThat(f.admin.agents().setStatus(alice, f.acme.id(), tpm.id(), AgentStatus.ACTIVE).status()).isEqualTo(AgentStatus.ACTIVE);
    }

    @Test
    @DisplayName("an agent enrolled without attestation is refused attestation_required at renewal once its group requires it; audited")
    void renewalRefused() {
        Agents pc = Agents.windows("pc-1");
        Agent agent = ((EnrollmentResult.Enrolled) enroll(pc)).agent();
        f.clock.advance(Duration.ofHours(1));
        assertThat(renew(pc, agent)).isInstanceOf(RenewalResult.Renewed.class);

        // Turned on at the root, inherited by the agent's group.
        f.admin.groups().setOverride(alice, f.acme.id(), f.acme.rootGroup().id(), SecuritySetting.ATTESTATION, AttestationRequirement.TPM);
        f.clock.advance(Duration.ofHours(1));
        assertThat(denial(renew(pc, agent))).isEqualTo(DenialReason.ATTESTATION_REQUIRED);
        assertThat(stored(agent).credentialGeneration()).isEqualTo(2);
        assertThat(stored(agent).status()).isEqualTo(AgentStatus.ACTIVE);
        assertThat(auditOf(agent)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(AuditAction.CREDENTIAL_RENEWAL_DENIED);
            assertThat(e.after()).containsEntry("outcome", "ATTESTATION_REQUIRED");
        });

        // Where no group requires it (the override removed, or a group below says none without a lock), it renews again.
        f.admin.groups().setOverride(alice, f.acme.id(), f.customerA.id(), SecuritySetting.ATTESTATION, AttestationRequirement.NONE);
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(renew(pc, agent)).isInstanceOfSatisfying(RenewalResult.Renewed.class, r -> assertThat(r.agent().credentialGeneration()).isEqualTo(3));
        f.admin.groups().setLocked(alice, f.acme.id(), f.acme.rootGroup().id(), SecuritySetting.ATTESTATION, true);
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(denial(renew(pc, agent))).as("a lock at the root shadows the group's none").isEqualTo(DenialReason.ATTESTATION_REQUIRED);
        f.admin.groups().clearOverride(alice, f.acme.id(), f.acme.rootGroup().id(), SecuritySetting.ATTESTATION);
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(renew(pc, agent)).isInstanceOfSatisfying(RenewalResult.Renewed.class, r -> assertThat(r.agent().credentialGeneration()).isEqualTo(4));
    }

    @Test
    @DisplayName("a pending agent without attestation polls attestation_required once its group requires it; a clone is still locked first")
    void pollRefusedAndCloneLockedFirst() {
        Agents pending = Agents.windows("pc-pending");
        f.issueRequiringApproval();
        Agent waiting = ((Pending) enroll(pending)).agent();
        f.admin.groups().setOverride(alice, f.acme.id(), f.customerA.id(), SecuritySetting.REQUIRE_APPROVAL, false);
        Agents pc = Agents.windows("pc-1");
        Agent agent = ((EnrollmentResult.Enrolled) enroll(pc)).agent();
        Agents copy = pc.copy();
        f.clock.advance(Duration.ofHours(1));
        assertThat(renew(copy, agent)).isInstanceOf(RenewalResult.Renewed.class);

        f.admin.groups().setOverride(alice, f.acme.id(), f.customerA.id(), SecuritySetting.ATTESTATION, AttestationRequirement.TPM);
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(denial(renew(pending, waiting))).isEqualTo(DenialReason.ATTESTATION_REQUIRED);
        assertThat(stored(waiting).status()).isEqualTo(AgentStatus.PENDING);
        // The original presents generation 1 after the copy renewed: a clone, locked whatever the group requires.
        assertThat(denial(renew(pc, agent))).isEqualTo(DenialReason.CLONE_DETECTED);
        assertThat(stored(agent).status()).isEqualTo(AgentStatus.LOCKED);
    }
}
