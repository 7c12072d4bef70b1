package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.GroupNotEmptyException;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidMoveException;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.StaleVersionException;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Concurrency: exact key uses, an agent racing itself, crossing moves, edits and creates that race, deletes racing references. */
@DisplayName("concurrency")
public interface ConcurrencyContract extends StoreContract {
    /**
     * Contract: threads racing to use a key limited to 10 uses end with exactly 10 agents and a use count of 10.
     *
     * @throws Exception when a racing thread fails or does not finish within two minutes
     */
    @Test
    @DisplayName("threads racing to use a key limited to 10 uses end with exactly 10 agents and a use count of 10")
    default void keyUsesAreExact() throws Exception {
        NewOrganization org = newOrg();
        AccessKey key = admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("ten", org.rootGroup().id())
                .maxUses(10).build());
        List<EnrollmentCommit> results = runConcurrently(concurrency(), () -> enroll(key));

        assertThat(results).filteredOn(r -> r instanceof EnrollmentCommit.Enrolled).hasSize(10);
        assertThat(results).filteredOn(r -> !(r instanceof EnrollmentCommit.Enrolled))
                .allMatch(r -> r.equals(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_EXHAUSTED)));
        assertThat(admin().accessKeys().require(org.id(), key.id()).useCount()).isEqualTo(10);
        assertThat(store().agents().listByKey(org.id(), key.id(), PageRequest.first(100)).items()).hasSize(10);
        assertThat(auditOf(org.id())).filteredOn(r -> r.event().action() == AuditAction.AGENT_ENROLLED).hasSize(10);
    }

    /**
     * Contract: threads racing for one single-use installer, beside others enrolling with the same key: one
     * computer wins it.
     *
     * @throws Exception when a racing thread fails or does not finish within two minutes
     */
    @Test
    @DisplayName("threads racing for one single-use installer, beside others enrolling with the same key: one computer wins it")
    default void singleUseInstallerHasOneWinner() throws Exception {
        NewOrganization org = newOrg();
        AccessKey key = org.defaultKey();
        InstallerRecord single = new InstallerRecord(InstallerId.random(), org.id(), key.id(), "hbs_" + "A".repeat(22), clock().instant(), ALICE,
                Optional.empty(), Optional.empty(), "token", Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.of(1), 0, 0);
        store().installers().insert(single, installerAudit(single, AuditAction.INSTALLER_ISSUED));
        AtomicInteger turn = new AtomicInteger();
        List<Object[]> results = runConcurrently(concurrency(), () -> {
            boolean forSingle = turn.getAndIncrement() % 2 == 0;
            EnrollmentCommit r = enroll(forSingle ? new EnrollmentAttempt(org.id(), single.id(), key.id(), single.signingKeyId(),
                    randomFingerprint(), newNonce(), clock().instant().plusSeconds(301), clock().instant(), Optional.empty())
                    : attempt(key, randomFingerprint()));
            return new Object[] {forSingle, r};
        });
        List<EnrollmentCommit> withSingle = results.stream().filter(r -> (Boolean) r[0]).map(r -> (EnrollmentCommit) r[1]).toList();
        List<EnrollmentCommit> others = results.stream().filter(r -> !(Boolean) r[0]).map(r -> (EnrollmentCommit) r[1]).toList();
        assertThat(withSingle).filteredOn(r -> r instanceof EnrollmentCommit.Enrolled).hasSize(1);
        assertThat(withSingle).filteredOn(r -> !(r instanceof EnrollmentCommit.Enrolled))
                .allMatch(r -> r.equals(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.INSTALLER_EXHAUSTED)));
        assertThat(others).allMatch(r -> r instanceof EnrollmentCommit.Enrolled);
        assertThat(store().installers().find(org.id(), single.id()).orElseThrow().useCount()).isEqualTo(1);
        assertThat(store().agents().listByInstaller(org.id(), single.id(), PageRequest.first(100)).items()).hasSize(1);
        assertThat(admin().accessKeys().require(org.id(), key.id()).useCount()).isEqualTo(others.size() + 1);
    }

    /**
     * Contract: concurrent enrollments with the same public key create one agent and count one use.
     *
     * @throws Exception when a racing thread fails or does not finish within two minutes
     */
    @Test
    @DisplayName("concurrent enrollments with the same public key create one agent and count one use")
    default void sameAgentRacesItself() throws Exception {
        NewOrganization org = newOrg();
        String fp = randomFingerprint();
        List<EnrollmentCommit> results = runConcurrently(Math.min(8, concurrency()), () -> enroll(org.defaultKey(), fp));
        assertThat(results).filteredOn(r -> r instanceof EnrollmentCommit.Enrolled).hasSize(1);
        assertThat(admin().accessKeys().require(org.id(), org.defaultKey().id()).useCount()).isEqualTo(1);
    }

    /**
     * Contract: two concurrent moves of groups under each other never produce a cycle.
     *
     * @throws Exception when a racing thread fails or does not finish within two minutes
     */
    @Test
    @DisplayName("two concurrent moves of groups under each other never produce a cycle")
    default void crossingMovesNeverCycle() throws Exception {
        // Many rounds: a store that reads a stale parent only loses the race now and then (H2 did at round 25).
        for (int round = 0; round < 30; round++) {
            NewOrganization org = newOrg();
            Group x = group(org, "X");
            Group y = group(org, "Y");
            AtomicInteger turn = new AtomicInteger();
            List<Boolean> moved = runConcurrently(2, () -> {
                boolean first = turn.getAndIncrement() == 0;
                try {
                    admin().groups().move(ALICE, org.id(), first ? x.id() : y.id(), first ? y.id() : x.id(), 0);
                    return true;
                } catch (InvalidMoveException | StaleVersionException e) {
                    return false;
                }
            });
            assertThat(moved).containsOnlyOnce(true);
            assertTreeIsSound(org);
        }
    }

    /**
     * Contract: concurrent edits of one group from the same version: exactly one wins.
     *
     * @throws Exception when a racing thread fails or does not finish within two minutes
     */
    @Test
    @DisplayName("concurrent edits of one group from the same version: exactly one wins")
    default void concurrentEditsOneWins() throws Exception {
        NewOrganization org = newOrg();
        Group g = group(org, "G");
        AtomicInteger n = new AtomicInteger();
        List<Boolean> won = runConcurrently(Math.min(8, concurrency()), () -> {
            try {
                admin().groups().rename(ALICE, org.id(), g.id(), "G" + n.incrementAndGet(), 0);
                return true;
            } catch (StaleVersionException e) {
                return false;
            }
        });
        assertThat(won).containsOnlyOnce(true);
        assertThat(admin().groups().require(org.id(), g.id()).version()).isEqualTo(1);
    }

    /**
     * Contract: concurrent creates of the same name under one parent: exactly one succeeds.
     *
     * @throws Exception when a racing thread fails or does not finish within two minutes
     */
    @Test
    @DisplayName("concurrent creates of the same name under one parent: exactly one succeeds")
    default void concurrentSiblingCreates() throws Exception {
        NewOrganization org = newOrg();
        List<Boolean> created = runConcurrently(Math.min(8, concurrency()), () -> {
            try {
                admin().groups().create(ALICE, org.id(), org.rootGroup().id(), "Same");
                return true;
            } catch (DuplicateNameException e) {
                return false;
            }
        });
        assertThat(created).containsOnlyOnce(true);
        assertThat(admin().groups().children(org.id(), org.rootGroup().id())).hasSize(1);
    }

    /**
     * Contract: a group delete racing a key create or an enrollment never leaves a dangling reference.
     *
     * @throws Exception when a racing thread fails or does not finish within two minutes
     */
    @Test
    @DisplayName("a group delete racing a key create or an enrollment never leaves a dangling reference")
    default void deleteRacesReferences() throws Exception {
        for (int round = 0; round < 10; round++) {
            NewOrganization org = newOrg();
            Group g = group(org, "Doomed");
            AtomicInteger turn = new AtomicInteger();
            runConcurrently(2, () -> {
                try {
                    if (turn.getAndIncrement() == 0) {
                        admin().groups().delete(ALICE, org.id(), g.id(), 0);
                    } else {
                        admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", g.id()).build());
                    }
                } catch (NotFoundException | GroupNotEmptyException e) {
                    // one of the two loses; which one is up to the race
                }
                return null;
            });
            boolean groupExists = admin().groups().find(org.id(), g.id()).isPresent();
            List<AccessKey> keys = admin().accessKeys().list(org.id(), PageRequest.first(100)).items();
            for (AccessKey k : keys) {
                assertThat(admin().groups().find(org.id(), k.groupId())).as("group of key %s", k.id()).isPresent();
            }
            assertThat(groupExists || keys.stream().noneMatch(k -> k.groupId().equals(g.id()))).isTrue();
        }
    }

    private void assertTreeIsSound(NewOrganization org) {
        List<Group> all = admin().groups().subtree(org.id(), org.rootGroup().id());
        Set<GroupId> seen = new HashSet<>();
        for (Group gr : all) {
            assertThat(seen.add(gr.id())).as("group listed once: %s", gr.name()).isTrue();
            List<Group> path = admin().groups().pathFromRoot(org.id(), gr.id());
            assertThat(path.get(0).id()).isEqualTo(org.rootGroup().id());
            assertThat(path).extracting(Group::id).doesNotHaveDuplicates();
        }
    }
}
