package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Revocation;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.RenewalVerdict;
import com.heartbeatrm.core.spi.AuditStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the retention sweeper needs of a store: agents by last-seen time, a conditional retire that a racing renewal or
 * a second sweeper loses, audit deletion in bounded batches, and removal of retired installer records.
 */
@DisplayName("retention")
public interface RetentionContract extends StoreContract {
    private AuditEvent sweepAudit(Agent a, AuditAction action) {
        return AuditEvent.of(clock().instant(), a.organizationId(), Actor.SYSTEM, action, Subject.of(a.id()), Map.of(), Map.of("rule", "staleAgents"));
    }

    private static InstallerRecord withoutExpiry(InstallerRecord r) {
        return new InstallerRecord(r.id(), r.organizationId(), r.accessKeyId(), r.signingKeyId(), r.issuedAt(), r.issuedBy(), java.util.Optional.empty(),
                r.platform(), r.format(), r.base(), r.output(), r.revoked(), r.maxUses(), r.useCount(), r.version());
    }

    private long auditCount(NewOrganization org, AuditAction action) {
        return auditOf(org.id()).stream().filter(r -> r.event().action() == action).count();
    }

    /**
     * Contract: lists a group's agents last seen before a time, least recently seen first, across pages; a renewal
     * moves an agent.
     */
    @Test
    @DisplayName("lists a group's agents last seen before a time, least recently seen first, across pages; a renewal moves an agent")
    default void listSeenBefore() {
        NewOrganization org = newOrg();
        Group other = group(org, "other");
        AccessKey otherKey = keyFor(other);
        List<Agent> inRoot = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            inRoot.add(enrolledAgent(org));
            enrolledAgent(otherKey);
            clock().advance(Duration.ofHours(1));
        }
        Instant before = inRoot.get(4).lastSeenAt();
        Page<Agent> first = store().agents().listSeenBefore(org.id(), org.rootGroup().id(), before, PageRequest.first(3));
        Page<Agent> second = store().agents().listSeenBefore(org.id(), org.rootGroup().id(), before, PageRequest.first(3).next(first));
        assertThat(first.items()).extracting(Agent::id).containsExactly(inRoot.get(0).id(), inRoot.get(1).id(), inRoot.get(2).id());
        assertThat(second.items()).extracting(Agent::id).containsExactly(inRoot.get(3).id());
        assertThat(second.hasNext()).isFalse();

        // The oldest renews now: it is seen, so it leaves the front of the list.
        renew(renewal(inRoot.get(0)), facts -> new RenewalVerdict.Retry());
        assertThat(store().agents().listSeenBefore(org.id(), org.rootGroup().id(), before, PageRequest.first(10)).items()).extracting(Agent::id)
                .containsExactly(inRoot.get(1).id(), inRoot.get(2).id(), inRoot.get(3).id());
        assertThat(store().agents().listSeenBefore(newOrg().id(), org.rootGroup().id(), before, PageRequest.first(10)).items()).isEmpty();
    }

    /**
     * Contract: retire removes or disables an agent once, with its audit record; a second call, a stale version or
     * a renewal since lose.
     */
    @Test
    @DisplayName("retire removes or disables an agent once, with its audit record; a second call, a stale version or a renewal since lose")
    default void retireOnce() {
        NewOrganization org = newOrg();
        Agent gone = enrolledAgent(org);
        Agent off = enrolledAgent(org);
        Agent renewed = enrolledAgent(org);
        clock().advance(Duration.ofDays(2));
        Instant cutoff = clock().instant().minus(Duration.ofDays(1));

        assertThat(store().agents().retire(org.id(), gone.id(), gone.version(), cutoff, true, sweepAudit(gone, AuditAction.AGENT_DELETED))).isTrue();
        assertThat(store().agents().retire(org.id(), gone.id(), gone.version(), cutoff, true, sweepAudit(gone, AuditAction.AGENT_DELETED))).isFalse();
        assertThat(store().agents().find(org.id(), gone.id())).isEmpty();
        assertThat(store().agents().findByPublicKeyFingerprint(org.id(), gone.publicKeyFingerprint())).isEmpty();

        assertThat(store().agents().retire(org.id(), off.id(), off.version() + 1, cutoff, false, sweepAudit(off, AuditAction.AGENT_STATUS_CHANGED)))
                .isFalse();
        assertThat(store().agents().retire(org.id(), off.id(), off.version(), cutoff, false, sweepAudit(off, AuditAction.AGENT_STATUS_CHANGED))).isTrue();
        Agent disabled = store().agents().find(org.id(), off.id()).orElseThrow();
        assertThat(disabled.status()).isEqualTo(AgentStatus.DISABLED);
        assertThat(disabled.version()).isEqualTo(off.version() + 1);
        assertThat(store().agents().retire(org.id(), off.id(), off.version(), cutoff, false, sweepAudit(off, AuditAction.AGENT_STATUS_CHANGED))).isFalse();

        // The sweeper judged it stale, then it renewed: the renewal wins.
        renew(renewal(renewed), facts -> new RenewalVerdict.Retry());
        assertThat(store().agents().retire(org.id(), renewed.id(), renewed.version(), cutoff, true, sweepAudit(renewed, AuditAction.AGENT_DELETED)))
                .isFalse();
        assertThat(store().agents().find(org.id(), renewed.id())).isPresent();

        assertThat(auditCount(org, AuditAction.AGENT_DELETED)).isEqualTo(1);
        assertThat(auditCount(org, AuditAction.AGENT_STATUS_CHANGED)).isEqualTo(1);
    }

    /**
     * Contract: concurrent retires of one agent: exactly one wins and one audit record is written.
     *
     * @throws Exception when a racing thread fails or does not finish within two minutes
     */
    @Test
    @DisplayName("concurrent retires of one agent: exactly one wins and one audit record is written")
    default void concurrentRetire() throws Exception {
        NewOrganization org = newOrg();
        List<Agent> agents = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            agents.add(enrolledAgent(org));
        }
        clock().advance(Duration.ofDays(2));
        Instant cutoff = clock().instant().minus(Duration.ofDays(1));
        AtomicInteger wins = new AtomicInteger();
        runConcurrently(Math.min(concurrency(), 8), () -> {
            for (Agent a : agents) {
                if (store().agents().retire(org.id(), a.id(), a.version(), cutoff, true, sweepAudit(a, AuditAction.AGENT_DELETED))) {
                    wins.incrementAndGet();
                }
            }
            return null;
        });
        assertThat(wins.get()).isEqualTo(agents.size());
        assertThat(auditCount(org, AuditAction.AGENT_DELETED)).isEqualTo(agents.size());
    }

    /**
     * Contract: deletes audit records older than a time in bounded batches, oldest first, one organization at a
     * time.
     */
    @Test
    @DisplayName("deletes audit records older than a time in bounded batches, oldest first, one organization at a time")
    default void auditBatches() {
        NewOrganization org = newOrg();
        NewOrganization neighbour = newOrg();
        for (int i = 0; i < 7; i++) {
            admin().groups().create(ALICE, org.id(), org.rootGroup().id(), "g" + i);
            admin().groups().create(ALICE, neighbour.id(), neighbour.rootGroup().id(), "g" + i);
            clock().advance(Duration.ofMinutes(1));
        }
        Instant cutoff = clock().instant();
        clock().advance(Duration.ofMinutes(1));
        admin().groups().create(ALICE, org.id(), org.rootGroup().id(), "late");
        List<AuditRecord> before = auditOf(org.id());
        long old = before.stream().filter(r -> r.event().at().isBefore(cutoff)).count();
        assertThat(old).isGreaterThanOrEqualTo(7);

        List<Integer> batches = new ArrayList<>();
        int n;
        do {
            n = store().audit().deleteRecordedBefore(org.id(), cutoff, 3);
            batches.add(n);
        } while (n == 3);
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo((int) old);
        assertThat(batches).allMatch(b -> b <= 3);
        List<AuditRecord> after = auditOf(org.id());
        assertThat(after).hasSize(before.size() - (int) old).allMatch(r -> !r.event().at().isBefore(cutoff));
        assertThat(after.get(after.size() - 1).event().subject()).isEqualTo(before.get(before.size() - 1).event().subject());
        assertThat(auditOf(neighbour.id())).hasSizeGreaterThanOrEqualTo(7);
        assertThat(store().audit().deleteRecordedBefore(org.id(), cutoff, 3)).isZero();
        assertThatThrownBy(() -> store().audit().deleteRecordedBefore(org.id(), cutoff, 0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> store().audit().deleteRecordedBefore(org.id(), cutoff, AuditStore.MAX_DELETE_BATCH + 1))
                .isInstanceOf(InvalidInputException.class);
    }

    /** Contract: lists and removes installers revoked or expired before a time, once each, with an audit record. */
    @Test
    @DisplayName("lists and removes installers revoked or expired before a time, once each, with an audit record")
    default void retiredInstallers() {
        NewOrganization org = newOrg();
        InstallerRecord expiring = newInstaller(org.defaultKey()); // expires in a day
        store().installers().insert(expiring, installerAudit(expiring, AuditAction.INSTALLER_ISSUED));
        clock().advance(Duration.ofMillis(1));
        InstallerRecord revokedLater = withoutExpiry(newInstaller(org.defaultKey()));
        store().installers().insert(revokedLater, installerAudit(revokedLater, AuditAction.INSTALLER_ISSUED));
        clock().advance(Duration.ofMillis(1));
        InstallerRecord open = withoutExpiry(newInstaller(org.defaultKey()));
        store().installers().insert(open, installerAudit(open, AuditAction.INSTALLER_ISSUED));

        clock().advance(Duration.ofDays(3));
        store().installers().update(revokedLater.withRevoked(new Revocation(clock().instant(), ALICE, "lost")), 0,
                installerAudit(revokedLater, AuditAction.INSTALLER_REVOKED));
        Instant cutoff = clock().instant().minus(Duration.ofDays(1));
        assertThat(store().installers().listRetiredBefore(org.id(), cutoff, 10)).extracting(InstallerRecord::id).containsExactly(expiring.id());
        clock().advance(Duration.ofDays(2));
        Instant later = clock().instant().minus(Duration.ofDays(1));
        assertThat(store().installers().listRetiredBefore(org.id(), later, 10)).extracting(InstallerRecord::id)
                .containsExactly(expiring.id(), revokedLater.id());
        assertThat(store().installers().listRetiredBefore(org.id(), later, 1)).extracting(InstallerRecord::id).containsExactly(expiring.id());

        AuditEvent audit = installerAudit(expiring, AuditAction.INSTALLER_DELETED);
        assertThat(store().installers().removeRetired(org.id(), expiring.id(), later, audit)).isTrue();
        assertThat(store().installers().removeRetired(org.id(), expiring.id(), later, audit)).isFalse();
        assertThat(store().installers().removeRetired(org.id(), open.id(), later, installerAudit(open, AuditAction.INSTALLER_DELETED))).isFalse();
        assertThat(store().installers().find(org.id(), expiring.id())).isEmpty();
        assertThat(store().installers().find(org.id(), open.id())).isPresent();
        assertThat(auditCount(org, AuditAction.INSTALLER_DELETED)).isEqualTo(1);
        assertThatThrownBy(() -> store().installers().listRetiredBefore(org.id(), later, 0)).isInstanceOf(InvalidInputException.class);
    }
}
