package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import java.time.Instant;
import java.util.Optional;

/** Agents, and the atomic enrollment step. */
public interface AgentStore {
    /**
     * Counts one use of the key and creates the agent, atomically, with the audit event. In one step it checks
     * that the key exists in the agent's organization, is not disabled, not expired at {@code use.now()}, not
     * exhausted, and still points at {@code use.expectedGroup()}; that no agent of the organization has the same
     * public-key fingerprint; then increments the use count, records the last use and inserts the agent. No key
     * is ever used more than its maximum, no agent exists without its counted use, and no use is counted
     * without its agent, whatever runs concurrently.
     */
    KeyUseResult enroll(KeyUse use);

    Optional<Agent> find(OrganizationId org, AgentId id);

    Optional<Agent> findByPublicKeyFingerprint(OrganizationId org, String fingerprint);

    /** Agents of one group, oldest enrollment first (ties by id). */
    Page<Agent> listByGroup(OrganizationId org, GroupId group, PageRequest page);

    /** Agents enrolled with one access key, oldest enrollment first (ties by id). */
    Page<Agent> listByKey(OrganizationId org, AccessKeyId key, PageRequest page);

    /** Agents of one organization with the given status, oldest enrollment first (ties by id). */
    Page<Agent> listByStatus(OrganizationId org, com.heartbeatrm.core.AgentStatus status, PageRequest page);

    /** Agents enrolled with one installer (token), oldest enrollment first (ties by id). */
    Page<Agent> listByInstaller(OrganizationId org, String installerId, PageRequest page);

    /** Stores a new status or group (which must exist in the organization at commit). */
    Agent update(Agent changed, long expectedVersion, AuditEvent audit);

    /** Records that the agent was seen; no version change, no audit event. Returns false if it does not exist. */
    boolean recordSeen(OrganizationId org, AgentId id, Instant at);

    void delete(OrganizationId org, AgentId id, long expectedVersion, AuditEvent audit);
}
