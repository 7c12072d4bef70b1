package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentKeyType;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.StaleVersionException;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Agents: queries by group, key, status and installer, across pages; admin changes, versions, approvals and deletes. */
@DisplayName("agents")
public interface AgentStoreContract extends StoreContract {
    /** Contract: agents are listed by group and by key, oldest first across pages. */
    @Test
    @DisplayName("agents are listed by group and by key, oldest first across pages")
    default void agentQueries() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        AccessKey key = keyFor(a);
        List<AgentId> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clock().advance(Duration.ofMillis(1));
            created.add(enrolledAgent(key).id());
        }
        enroll(org.defaultKey());
        List<AgentId> byGroup = new ArrayList<>();
        PageRequest request = PageRequest.first(2);
        Page<Agent> page;
        do {
            page = admin().agents().listByGroup(org.id(), a.id(), request);
            page.items().forEach(x -> byGroup.add(x.id()));
            request = request.next(page);
        } while (page.hasNext());
        assertThat(byGroup).containsExactlyElementsOf(created);
        assertThat(admin().agents().listByKey(org.id(), key.id(), PageRequest.first(100)).items())
                .extracting(Agent::id).containsExactlyElementsOf(created);
    }

    /** Contract: an agent's key type is kept: found by id, by fingerprint, in lists, and through an update. */
    @Test
    @DisplayName("an agent's key type is kept: found by id, by fingerprint, in lists, and through an update")
    default void keyTypeKept() {
        NewOrganization org = newOrg();
        AccessKey key = org.defaultKey();
        String fingerprint = randomFingerprint();
        EnrollmentAttempt attempt = attempt(key, fingerprint);
        EnrollmentCommit commit = store().agents().enroll(attempt, facts -> {
            Agent base = newAgent(key, key.groupId(), fingerprint, attempt.installer());
            Agent agent = new Agent(base.id(), base.organizationId(), base.groupId(), base.status(), base.enrolledAt(), base.accessKeyId(),
                    base.installerId(), base.hostname(), base.platform(), base.publicKeyFingerprint(), AgentKeyType.ECDSA_P256, base.lastSeenAt(),
                    base.credentialGeneration(), base.credentialIssuedAt(), base.credentialExpiresAt(), base.version());
            return new EnrollmentVerdict.Admit(agent, AuditEvent.of(attempt.now(), key.organizationId(), Actor.SYSTEM,
                    AuditAction.AGENT_ENROLLED, Subject.of(agent.id()), Map.of(), Map.of("key", key.id().value())));
        });
        Agent p256 = ((EnrollmentCommit.Enrolled) commit).agent();
        Agent ed = enrolledAgent(org);
        assertThat(store().agents().find(org.id(), p256.id()).orElseThrow().keyType()).isEqualTo(AgentKeyType.ECDSA_P256);
        assertThat(store().agents().findByPublicKeyFingerprint(org.id(), fingerprint).orElseThrow().keyType()).isEqualTo(AgentKeyType.ECDSA_P256);
        assertThat(store().agents().find(org.id(), ed.id()).orElseThrow().keyType()).isEqualTo(AgentKeyType.ED25519);
        admin().agents().setStatus(ALICE, org.id(), p256.id(), AgentStatus.DISABLED);
        assertThat(store().agents().listByStatus(org.id(), AgentStatus.DISABLED, PageRequest.first(10)).items())
                .extracting(Agent::keyType).containsExactly(AgentKeyType.ECDSA_P256);
    }

    /** Contract: agents are found by machine fingerprint, per organization, disabled ones left out; the enrollment's judge sees them. */
    @Test
    @DisplayName("agents are found by machine fingerprint, per organization, disabled ones left out; the enrollment's judge sees them")
    default void byMachineFingerprint() {
        NewOrganization org = newOrg();
        AccessKey key = org.defaultKey();
        Agent first = enrolledOnMachine(key, "machine-1");
        clock().advance(Duration.ofMillis(1));
        Agent second = enrolledOnMachine(key, "machine-1");
        enrolledOnMachine(key, "machine-2");
        enrolledOnMachine(newOrg().defaultKey(), "machine-1");
        enrolledAgent(key);
        assertThat(store().agents().findByMachineFingerprint(org.id(), "machine-1")).extracting(Agent::id).containsExactly(first.id(), second.id());
        assertThat(store().agents().find(org.id(), first.id()).orElseThrow().machineFingerprint()).contains("machine-1");
        assertThat(store().agents().findByMachineFingerprint(org.id(), "machine-3")).isEmpty();
        admin().agents().setStatus(ALICE, org.id(), first.id(), AgentStatus.DISABLED);
        assertThat(store().agents().findByMachineFingerprint(org.id(), "machine-1")).extracting(Agent::id).containsExactly(second.id());

        EnrollmentAttempt next = onMachine(key, randomFingerprint(), "machine-1");
        List<Agent> seen = new ArrayList<>();
        store().agents().enroll(next, facts -> {
            seen.addAll(facts.sameMachine());
            return new EnrollmentVerdict.Deny();
        });
        assertThat(seen).extracting(Agent::id).containsExactly(second.id());
        assertThat(store().agents().enrollmentFacts(next).sameMachine()).extracting(Agent::id).containsExactly(second.id());
        assertThat(store().agents().enrollmentFacts(attempt(key, randomFingerprint())).sameMachine()).isEmpty();
    }

    private EnrollmentAttempt onMachine(AccessKey key, String fingerprint, String machine) {
        EnrollmentAttempt a = attempt(key, fingerprint);
        return new EnrollmentAttempt(a.organization(), a.installer(), a.key(), a.signingKeyId(), a.agentFingerprint(), a.nonce(),
                a.nonceExpiresAt(), a.now(), a.throttleBucket(), a.nonceScope(), java.util.Optional.of(machine));
    }

    private Agent enrolledOnMachine(AccessKey key, String machine) {
        EnrollmentAttempt attempt = onMachine(key, randomFingerprint(), machine);
        EnrollmentCommit commit = store().agents().enroll(attempt, facts -> {
            Agent b = newAgent(key, key.groupId(), attempt.agentFingerprint(), attempt.installer());
            Agent agent = new Agent(b.id(), b.organizationId(), b.groupId(), b.status(), b.enrolledAt(), b.accessKeyId(), b.installerId(),
                    b.hostname(), b.platform(), b.publicKeyFingerprint(), b.keyType(), b.lastSeenAt(), b.credentialGeneration(),
                    b.credentialIssuedAt(), b.credentialExpiresAt(), b.attestation(), attempt.machineFingerprint(), b.version());
            return new EnrollmentVerdict.Admit(agent, AuditEvent.of(attempt.now(), key.organizationId(), Actor.SYSTEM,
                    AuditAction.AGENT_ENROLLED, Subject.of(agent.id()), Map.of(), Map.of("key", key.id().value())));
        });
        return ((EnrollmentCommit.Enrolled) commit).agent();
    }

    /** Contract: agents are listed by status and by installer, per organization. */
    @Test
    @DisplayName("agents are listed by status and by installer, per organization")
    default void byStatusAndInstaller() {
        NewOrganization org = newOrg();
        NewOrganization other = newOrg();
        Agent a1 = enrolledAgent(org);
        clock().advance(Duration.ofMillis(1));
        Agent a2 = enrolledAgent(org);
        enrolledAgent(other);
        admin().agents().setStatus(ALICE, org.id(), a2.id(), AgentStatus.DISABLED);
        assertThat(store().agents().listByStatus(org.id(), AgentStatus.DISABLED, PageRequest.first(10)).items())
                .extracting(Agent::id).containsExactly(a2.id());
        assertThat(store().agents().listByStatus(org.id(), AgentStatus.ACTIVE, PageRequest.first(10)).items())
                .extracting(Agent::id).containsExactly(a1.id());
        InstallerId installer = a1.installerId().orElseThrow();
        assertThat(admin().agents().listByInstaller(org.id(), installer, PageRequest.first(10)).items())
                .extracting(Agent::id).containsExactly(a1.id());
        assertThat(admin().agents().listByInstaller(other.id(), installer, PageRequest.first(10)).items()).isEmpty();
    }

    /** Contract: agents can be moved, disabled and deleted; an edit against a stale version is refused. */
    @Test
    @DisplayName("agents can be moved, disabled and deleted; an edit against a stale version is refused")
    default void agentChanges() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        AccessKey key = keyFor(a);
        Agent agent = enrolledAgent(key);
        Group b = group(org, "Customer B");

        assertThat(admin().agents().move(ALICE, org.id(), agent.id(), b.id()).groupId()).isEqualTo(b.id());
        Agent disabled = admin().agents().setStatus(ALICE, org.id(), agent.id(), AgentStatus.DISABLED);
        assertThat(disabled.status()).isEqualTo(AgentStatus.DISABLED);
        assertThat(disabled.version()).isEqualTo(2);
        Agent read = admin().agents().require(org.id(), agent.id());
        assertThat(read.groupId()).isEqualTo(b.id());
        assertThat(read.credentialGeneration()).isEqualTo(agent.credentialGeneration());
        assertThatThrownBy(() -> store().agents().update(read.withStatus(AgentStatus.ACTIVE), 0,
                AuditEvent.of(clock().instant(), org.id(), ALICE, AuditAction.AGENT_STATUS_CHANGED, Subject.of(agent.id()), Map.of(), Map.of())))
                .isInstanceOf(StaleVersionException.class);
        admin().agents().delete(ALICE, org.id(), agent.id());
        assertThat(admin().agents().find(org.id(), agent.id())).isEmpty();
        assertThat(store().agents().findByPublicKeyFingerprint(org.id(), agent.publicKeyFingerprint())).isEmpty();
    }

    /** Contract: approve and deny take only pending agents, audited; unlock takes only locked ones. */
    @Test
    @DisplayName("approve and deny take only pending agents, audited; unlock takes only locked ones")
    default void approvals() {
        NewOrganization org = newOrg();
        Agent agent = enrolledAgent(org);
        assertThatThrownBy(() -> admin().agents().approve(ALICE, org.id(), agent.id())).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> admin().agents().unlock(ALICE, org.id(), agent.id(), "x")).isInstanceOf(ConflictException.class);
        Agent pending = store().agents().update(agent.withStatus(AgentStatus.PENDING), agent.version(), AuditEvent.of(clock().instant(),
                org.id(), ALICE, AuditAction.AGENT_STATUS_CHANGED, Subject.of(agent.id()), Map.of(), Map.of()));
        assertThat(admin().agents().listPending(org.id(), PageRequest.first(10)).items()).containsExactly(pending);
        assertThat(admin().agents().approve(ALICE, org.id(), agent.id()).status()).isEqualTo(AgentStatus.ACTIVE);
        assertThat(auditOf(org.id())).anyMatch(r -> r.event().action() == AuditAction.AGENT_APPROVED);
    }
}
