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
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Agents, and the two atomic steps agent traffic goes through: enrollment and renewal. */
public interface AgentStore {
    /** The most agents {@link #findByMachineFingerprint} returns for one machine. */
    int MAX_SAME_MACHINE = 16;

    /**
     * One enrollment, atomically: reads the {@link EnrollmentFacts} the attempt names, calls {@code judge} with them,
     * and stores what it decides. For {@link EnrollmentVerdict.Admit}: counts one use of the attempt's key only if the
     * key exists in the organization, is not disabled, not expired at {@code now}, below its maximum, and still points
     * at the agent's group; remembers the nonce; inserts the agent and the audit event. No key is ever used more than
     * its maximum, no agent exists without its counted use, no use is counted without its agent, and a nonce is
     * accepted once, whatever runs concurrently. When the key changed between the read and the commit, the step is run
     * again with fresh facts (a bounded number of times). Nothing is stored for a denial.
     *
     * @param attempt the verified request
     * @param judge decides from the facts; may be called more than once
     * @return what was stored
     */
    default EnrollmentCommit enroll(EnrollmentAttempt attempt, EnrollmentJudge judge) {
        return judgeAndEnroll(attempt, judge::judge).commit();
    }

    /**
     * {@link #enroll}, for a judge that returns more than its verdict: the store returns the commit with what the judge
     * returned for the facts the commit was made on (the last call, when the step ran more than once), as JDBI's
     * {@code inTransaction} returns its callback's value. The one method a store implements for enrollment.
     *
     * @param <R> the judge's result type
     * @param attempt the verified request
     * @param judge decides from the facts; a pure function, which may be called more than once
     * @return the commit and the judge's last result
     */
    <R extends Judged<EnrollmentVerdict>> Committed<EnrollmentCommit, R> judgeAndEnroll(EnrollmentAttempt attempt,
            Function<EnrollmentFacts, R> judge);

    /**
     * The facts {@link #enroll} would read, read now without storing anything (for dry runs).
     *
     * @param attempt the request
     * @return the facts
     */
    EnrollmentFacts enrollmentFacts(EnrollmentAttempt attempt);

    /**
     * One renewal or pending poll, atomically, with the agent locked: reads the {@link RenewalFacts}, calls
     * {@code judge}, and stores what it decides ({@link RenewalVerdict}). A nonce is accepted once; the agent's
     * credential generation only ever grows.
     *
     * @param attempt the verified request
     * @param judge decides from the facts; may be called more than once
     * @return what was stored
     */
    default RenewalCommit renew(RenewalAttempt attempt, RenewalJudge judge) {
        return judgeAndRenew(attempt, judge::judge).commit();
    }

    /**
     * {@link #renew}, for a judge that returns more than its verdict: the commit with what the judge returned for the
     * facts it was made on. The one method a store implements for renewal.
     *
     * @param <R> the judge's result type
     * @param attempt the verified request
     * @param judge decides from the facts; a pure function
     * @return the commit and the judge's last result
     */
    <R extends Judged<RenewalVerdict>> Committed<RenewalCommit, R> judgeAndRenew(RenewalAttempt attempt, Function<RenewalFacts, R> judge);

    /**
     * Looks an agent up within one organization.
     *
     * @param org the organization
     * @param id the agent
     * @return the agent, or empty (also for an agent of another organization)
     */
    Optional<Agent> find(OrganizationId org, AgentId id);

    /**
     * Looks an agent up by the fingerprint of its public key, unique within an organization.
     *
     * @param org the organization
     * @param fingerprint SHA-256 of the public key, 64 lower-case hex characters
     * @return the agent, or empty
     */
    Optional<Agent> findByPublicKeyFingerprint(OrganizationId org, String fingerprint);

    /**
     * The organization's agents that reported {@code machineFingerprint} when they enrolled, oldest enrollment first
     * (then by id), at most {@link #MAX_SAME_MACHINE}. Disabled agents are left out: a disabled agent is retired.
     * {@link #enrollmentFacts} and {@link #judgeAndEnroll} read the same into {@link EnrollmentFacts#sameMachine()}.
     * The default answers none: a store written before agents kept their machine fingerprint keeps none (and its
     * facts name no agent of the same machine); both SDK stores implement it.
     *
     * @param org the organization
     * @param machineFingerprint the machine identifier
     * @return the agents, possibly none
     */
    default List<Agent> findByMachineFingerprint(OrganizationId org, String machineFingerprint) {
        return List.of();
    }

    /**
     * Agents of one group, oldest enrollment first (ties by id).
     *
     * @param org the organization
     * @param group the group
     * @param page where to start and how many
     * @return one page
     */
    Page<Agent> listByGroup(OrganizationId org, GroupId group, PageRequest page);

    /**
     * Agents enrolled with one access key, oldest enrollment first (ties by id).
     *
     * @param org the organization
     * @param key the access key
     * @param page where to start and how many
     * @return one page
     */
    Page<Agent> listByKey(OrganizationId org, AccessKeyId key, PageRequest page);

    /**
     * Agents of one organization with the given status, oldest enrollment first (ties by id).
     *
     * @param org the organization
     * @param status the status
     * @param page where to start and how many
     * @return one page
     */
    Page<Agent> listByStatus(OrganizationId org, AgentStatus status, PageRequest page);

    /**
     * Agents enrolled with one installer, oldest enrollment first (ties by id).
     *
     * @param org the organization
     * @param installer the installer
     * @param page where to start and how many
     * @return one page
     */
    Page<Agent> listByInstaller(OrganizationId org, InstallerId installer, PageRequest page);

    /**
     * Stores a new status or group (which must exist in the organization at commit); version-checked.
     *
     * @param changed the agent as it should be
     * @param expectedVersion the version the change was based on
     * @param audit the change's event, appended in the same atomic step
     * @return the stored agent, version + 1
     * @throws com.heartbeatrm.core.StaleVersionException when the stored version differs
     */
    Agent update(Agent changed, long expectedVersion, AuditEvent audit);

    /**
     * Deletes an agent record and appends its audit event, atomically; version-checked.
     *
     * @param org the organization
     * @param id the agent
     * @param expectedVersion the version the delete was based on
     * @param audit the {@code AGENT_DELETED} event
     * @throws com.heartbeatrm.core.NotFoundException when the agent is not in the organization
     * @throws com.heartbeatrm.core.StaleVersionException when the stored version differs
     */
    void delete(OrganizationId org, AgentId id, long expectedVersion, AuditEvent audit);

    /**
     * Agents of one group last seen before {@code before}, least recently seen first (ties by id): what the stale and
     * ephemeral agent rules look at. Served by an index on (organization, group, last seen), so a page costs its size.
     *
     * @param org the organization
     * @param group the group (not its subgroups)
     * @param before the exclusive upper bound of the last-seen time
     * @param page where to start and how many
     * @return one page
     */
    Page<Agent> listSeenBefore(OrganizationId org, GroupId group, Instant before, PageRequest page);

    /**
     * Retires an agent for the sweeper, atomically and only if it is still at {@code expectedVersion} and last seen
     * before {@code seenBefore}: deletes it ({@code remove}) or stores it DISABLED (version + 1), with {@code audit}.
     * Returns false and stores nothing when the agent is gone, changed, or was seen since (a renewal racing the
     * sweep wins); so two sweepers on one database retire an agent once, with one audit record.
     *
     * @param org the organization
     * @param id the agent
     * @param expectedVersion the version the sweeper read
     * @param seenBefore the agent must have been last seen before this instant
     * @param remove true to delete, false to disable
     * @param audit the event to append with the change
     * @return whether the agent was retired
     */
    boolean retire(OrganizationId org, AgentId id, long expectedVersion, Instant seenBefore, boolean remove, AuditEvent audit);
}
