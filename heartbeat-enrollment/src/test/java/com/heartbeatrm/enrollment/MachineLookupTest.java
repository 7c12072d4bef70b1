package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.spi.AbstractHeartbeatStore;
import com.heartbeatrm.core.spi.AgentStore;
import com.heartbeatrm.core.spi.Committed;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.core.spi.Judged;
import com.heartbeatrm.core.spi.RenewalAttempt;
import com.heartbeatrm.core.spi.RenewalCommit;
import com.heartbeatrm.core.spi.RenewalFacts;
import com.heartbeatrm.core.spi.RenewalVerdict;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The store reads the agents of the request's machine only for the replaced-TPM rule, which applies to attested
 * enrollments alone: a plain enrollment that reports a machine fingerprint costs no such read, and its agent keeps the
 * fingerprint. (The attested side, where the read must happen, is AttestedEnrollmentTest's replaced-TPM test.)
 */
@DisplayName("the same-machine read at enrollment")
class MachineLookupTest {
    /** The in-memory store's agents, noting every enrollment attempt the pipeline hands them. */
    record Noting(AgentStore agents, List<EnrollmentAttempt> attempts) implements AgentStore {
        @Override
        public <R extends Judged<EnrollmentVerdict>> Committed<EnrollmentCommit, R> judgeAndEnroll(EnrollmentAttempt attempt,
                Function<EnrollmentFacts, R> judge) {
            attempts.add(attempt);
            return agents.judgeAndEnroll(attempt, judge);
        }

        @Override
        public EnrollmentFacts enrollmentFacts(EnrollmentAttempt attempt) {
            attempts.add(attempt);
            return agents.enrollmentFacts(attempt);
        }

        @Override
        public <R extends Judged<RenewalVerdict>> Committed<RenewalCommit, R> judgeAndRenew(RenewalAttempt attempt, Function<RenewalFacts, R> judge) {
            return agents.judgeAndRenew(attempt, judge);
        }

        @Override
        public Optional<Agent> find(OrganizationId org, AgentId id) {
            return agents.find(org, id);
        }

        @Override
        public Optional<Agent> findByPublicKeyFingerprint(OrganizationId org, String fingerprint) {
            return agents.findByPublicKeyFingerprint(org, fingerprint);
        }

        @Override
        public List<Agent> findByMachineFingerprint(OrganizationId org, String machineFingerprint) {
            return agents.findByMachineFingerprint(org, machineFingerprint);
        }

        @Override
        public Page<Agent> listByGroup(OrganizationId org, GroupId group, PageRequest page) {
            return agents.listByGroup(org, group, page);
        }

        @Override
        public Page<Agent> listByKey(OrganizationId org, AccessKeyId key, PageRequest page) {
            return agents.listByKey(org, key, page);
        }

        @Override
        public Page<Agent> listByStatus(OrganizationId org, AgentStatus status, PageRequest page) {
            return agents.listByStatus(org, status, page);
        }

        @Override
        public Page<Agent> listByInstaller(OrganizationId org, InstallerId installer, PageRequest page) {
            return agents.listByInstaller(org, installer, page);
        }

        @Override
        public Agent update(Agent changed, long expectedVersion, AuditEvent audit) {
            return agents.update(changed, expectedVersion, audit);
        }

        @Override
        public void delete(OrganizationId org, AgentId id, long expectedVersion, AuditEvent audit) {
            agents.delete(org, id, expectedVersion, audit);
        }

        @Override
        public Page<Agent> listSeenBefore(OrganizationId org, GroupId group, Instant before, PageRequest page) {
            return agents.listSeenBefore(org, group, before, page);
        }

        @Override
        public boolean retire(OrganizationId org, AgentId id, long expectedVersion, Instant seenBefore, boolean remove, AuditEvent audit) {
            return agents.retire(org, id, expectedVersion, seenBefore, remove, audit);
        }
    }

    /** An in-memory store whose agent repository is {@link Noting}. */
    static final class Watched extends AbstractHeartbeatStore {
        Watched(InMemoryHeartbeatStore s, List<EnrollmentAttempt> attempts) {
            super(s.organizations(), s.groups(), s.accessKeys(), new Noting(s.agents(), attempts), s.audit(), s.installers(), s.signingKeys(),
                    s.throttles(), s.attestationTrust());
        }
    }

    @Test
    @DisplayName("a plain enrollment with a machine fingerprint asks the store for no same-machine agents; the agent keeps it")
    void plainEnrollmentReadsNoMachine() {
        List<EnrollmentAttempt> attempts = new CopyOnWriteArrayList<>();
        Fixture f = new Fixture(new Watched(new InMemoryHeartbeatStore(), attempts), EnrollmentPolicy.DEFAULTS);
        Agents pc = Agents.onMachine("pc-1", "hw-uuid-1");
        EnrollmentResult r = f.server.enroll(pc.enrollBody(f.issue().token(), f.clock), f.server.contextFor(Agents.ip("203.0.113.7")));
        assertThat(r).isInstanceOfSatisfying(EnrollmentResult.Enrolled.class, e -> assertThat(e.agent().machineFingerprint()).contains("hw-uuid-1"));
        assertThat(f.admin.agents().listByStatus(f.acme.id(), AgentStatus.ACTIVE, PageRequest.first(10)).items())
                .singleElement().satisfies(a -> assertThat(a.machineFingerprint()).contains("hw-uuid-1"));
        assertThat(attempts).isNotEmpty().allSatisfy(a -> assertThat(a.machineFingerprint()).isEmpty());

        // The dry run reads the same facts: no machine either.
        attempts.clear();
        f.server.explain(Agents.onMachine("pc-2", "hw-uuid-2").enrollBody(f.issue().token(), f.clock), f.server.contextFor(Agents.ip("203.0.113.7")));
        assertThat(attempts).isNotEmpty().allSatisfy(a -> assertThat(a.machineFingerprint()).isEmpty());
    }
}
