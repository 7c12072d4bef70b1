package com.heartbeatrm.core.spi;

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
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/** Agents, and the two atomic steps agent traffic goes through: enrollment and renewal. */
public interface AgentStore {
    /**
     * One enrollment, atomically: reads the {@link EnrollmentFacts} the attempt names, calls {@code judge} with them,
     * and stores what it decides. For {@link EnrollmentVerdict.Admit}: counts one use of the attempt's key only if the
     * key exists in the organization, is not disabled, not expired at {@code now}, below its maximum, and still points
     * at the agent's group; remembers the nonce; inserts the agent and the audit event. No key is ever used more than
     * its maximum, no agent exists without its counted use, no use is counted without its agent, and a nonce is
     * accepted once, whatever runs concurrently. When the key changed between the read and the commit, the step is run
     * again with fresh facts (a bounded number of times). Nothing is stored for a denial.
     */
    default EnrollmentCommit enroll(EnrollmentAttempt attempt, EnrollmentJudge judge) {
        return judgeAndEnroll(attempt, judge::judge).commit();
    }

    /**
     * {@link #enroll}, for a judge that returns more than its verdict: the store returns the commit with what the judge
     * returned for the facts the commit was made on (the last call, when the step ran more than once), as JDBI's
     * {@code inTransaction} returns its callback's value. The one method a store implements for enrollment.
     */
    <R extends Judged<EnrollmentVerdict>> Committed<EnrollmentCommit, R> judgeAndEnroll(EnrollmentAttempt attempt,
            Function<EnrollmentFacts, R> judge);

    /** The facts {@link #enroll} would read, read now without storing anything (for dry runs). */
    EnrollmentFacts enrollmentFacts(EnrollmentAttempt attempt);

    /**
     * One renewal or pending poll, atomically, with the agent locked: reads the {@link RenewalFacts}, calls
     * {@code judge}, and stores what it decides ({@link RenewalVerdict}). A nonce is accepted once; the agent's
     * credential generation only ever grows.
     */
    default RenewalCommit renew(RenewalAttempt attempt, RenewalJudge judge) {
        return judgeAndRenew(attempt, judge::judge).commit();
    }

    /**
     * {@link #renew}, for a judge that returns more than its verdict: the commit with what the judge returned for the
     * facts it was made on. The one method a store implements for renewal.
     */
    <R extends Judged<RenewalVerdict>> Committed<RenewalCommit, R> judgeAndRenew(RenewalAttempt attempt, Function<RenewalFacts, R> judge);

    Optional<Agent> find(OrganizationId org, AgentId id);

    Optional<Agent> findByPublicKeyFingerprint(OrganizationId org, String fingerprint);

    /** Agents of one group, oldest enrollment first (ties by id). */
    Page<Agent> listByGroup(OrganizationId org, GroupId group, PageRequest page);

    /** Agents enrolled with one access key, oldest enrollment first (ties by id). */
    Page<Agent> listByKey(OrganizationId org, AccessKeyId key, PageRequest page);

    /** Agents of one organization with the given status, oldest enrollment first (ties by id). */
    Page<Agent> listByStatus(OrganizationId org, AgentStatus status, PageRequest page);

    /** Agents enrolled with one installer, oldest enrollment first (ties by id). */
    Page<Agent> listByInstaller(OrganizationId org, InstallerId installer, PageRequest page);

    /** Stores a new status or group (which must exist in the organization at commit); version-checked. */
    Agent update(Agent changed, long expectedVersion, AuditEvent audit);

    void delete(OrganizationId org, AgentId id, long expectedVersion, AuditEvent audit);

    /**
     * Agents of one group last seen before {@code before}, least recently seen first (ties by id): what the stale and
     * ephemeral agent rules look at. Served by an index on (organization, group, last seen), so a page costs its size.
     */
    Page<Agent> listSeenBefore(OrganizationId org, GroupId group, Instant before, PageRequest page);

    /**
     * Retires an agent for the sweeper, atomically and only if it is still at {@code expectedVersion} and last seen
     * before {@code seenBefore}: deletes it ({@code remove}) or stores it DISABLED (version + 1), with {@code audit}.
     * Returns false and stores nothing when the agent is gone, changed, or was seen since (a renewal racing the
     * sweep wins); so two sweepers on one database retire an agent once, with one audit record.
     */
    boolean retire(OrganizationId org, AgentId id, long expectedVersion, Instant seenBefore, boolean remove, AuditEvent audit);
}
