package com.heartbeatrm.core;

import com.heartbeatrm.core.spi.HeartbeatStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Enrolled agents: look-ups, approvals and admin changes. Agents are created by enrollment (the
 * {@code heartbeat-enrollment} module), through the store's atomic {@link com.heartbeatrm.core.spi.AgentStore#enroll}.
 */
public final class Agents extends AdminSection {
    private final Groups groups;

    Agents(HeartbeatStore store, Clock clock, Groups groups) {
        super(store, clock);
        this.groups = groups;
    }

    /**
     * Looks an agent up; an agent of another organization is not found.
     *
     * @param org the organization
     * @param id the agent
     * @return the agent, or empty
     */
    public Optional<Agent> find(OrganizationId org, AgentId id) {
        return store.agents().find(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(id, "agent"));
    }

    /**
     * As {@link #find}, for callers that expect the agent to exist.
     *
     * @param org the organization
     * @param id the agent
     * @return the agent
     * @throws NotFoundException when the agent is not in the organization
     */
    public Agent require(OrganizationId org, AgentId id) {
        Objects.requireNonNull(id, "agent");
        return find(org, id).orElseThrow(() -> new NotFoundException("agent", id.value()));
    }

    /**
     * The agents of one group, oldest enrollment first.
     *
     * @param org the organization
     * @param group the group (not its subgroups)
     * @param page where to start and how many
     * @return one page
     * @throws NotFoundException when the group is not in the organization
     */
    public Page<Agent> listByGroup(OrganizationId org, GroupId group, PageRequest page) {
        groups.require(org, group);
        return store.agents().listByGroup(org, group, Objects.requireNonNull(page, "page"));
    }

    /**
     * The agents enrolled with one access key, oldest enrollment first.
     *
     * @param org the organization
     * @param key the access key
     * @param page where to start and how many
     * @return one page; empty for a key of another organization
     */
    public Page<Agent> listByKey(OrganizationId org, AccessKeyId key, PageRequest page) {
        return store.agents().listByKey(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(key, "key"),
                Objects.requireNonNull(page, "page"));
    }

    /**
     * The agents enrolled with one installer, oldest enrollment first.
     *
     * @param org the organization
     * @param installer the installer
     * @param page where to start and how many
     * @return one page; empty for an installer of another organization
     */
    public Page<Agent> listByInstaller(OrganizationId org, InstallerId installer, PageRequest page) {
        return store.agents().listByInstaller(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(installer, "installer"),
                Objects.requireNonNull(page, "page"));
    }

    /**
     * The agents with one status (for example those waiting for approval), oldest enrollment first.
     *
     * @param org the organization
     * @param status the status
     * @param page where to start and how many
     * @return one page
     */
    public Page<Agent> listByStatus(OrganizationId org, AgentStatus status, PageRequest page) {
        return store.agents().listByStatus(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(status, "status"),
                Objects.requireNonNull(page, "page"));
    }

    /**
     * Agents waiting for approval, oldest first.
     *
     * @param org the organization
     * @param page where to start and how many
     * @return one page
     */
    public Page<Agent> listPending(OrganizationId org, PageRequest page) {
        return listByStatus(org, AgentStatus.PENDING, page);
    }

    /**
     * Approves a pending agent: it becomes ACTIVE and receives its first credential on its next poll. Audits
     * {@link AuditAction#AGENT_APPROVED}.
     *
     * @param actor who approves it
     * @param org the organization
     * @param id the agent
     * @return the changed agent
     * @throws NotFoundException when the agent is not in the organization
     * @throws ConflictException when the agent is not pending
     * @throws AttestationRequiredException when the agent is not attested and its group requires TPM attestation (it
     *         stays pending: deny it, or move it to a group that does not)
     */
    public Agent approve(Actor actor, OrganizationId org, AgentId id) {
        return decide(actor, org, id, AgentStatus.ACTIVE, AuditAction.AGENT_APPROVED, Map.of());
    }

    /**
     * Rejects a pending agent (the operator's "no" to an approval; audited as {@code AGENT_DENIED}): it becomes
     * DISABLED and its polls are refused. Named apart from the enrollment refusals, which are denials.
     *
     * @param actor who rejects it
     * @param org the organization
     * @param id the agent
     * @return the changed agent
     * @throws NotFoundException when the agent is not in the organization
     * @throws ConflictException when the agent is not pending
     */
    public Agent reject(Actor actor, OrganizationId org, AgentId id) {
        return decide(actor, org, id, AgentStatus.DISABLED, AuditAction.AGENT_DENIED, Map.of());
    }

    private Agent decide(Actor actor, OrganizationId org, AgentId id, AgentStatus to, AuditAction action, Map<String, String> extra) {
        Objects.requireNonNull(actor, "actor");
        Agent agent = require(org, id);
        if (agent.status() != AgentStatus.PENDING) {
            throw new ConflictException("agent " + id + " is " + agent.status() + ", not pending");
        }
        if (to == AgentStatus.ACTIVE) {
            requireAttestedIn(agent, agent.groupId(), "approved in");
        }
        Map<String, String> after = new java.util.TreeMap<>(extra);
        after.put("status", to.name());
        return store.agents().update(agent.withStatus(to), agent.version(), AuditEvent.of(clock.instant(), org, actor, action,
                Subject.of(id), Map.of("status", AgentStatus.PENDING.name()), after));
    }

    /**
     * Disables every pending agent of the organization that has waited longer than {@code pendingTtl}, as the
     * system actor; returns how many. Agents that changed meanwhile are left alone. Each is audited as by
     * {@link #expiryEvent}.
     *
     * @param org the organization
     * @param pendingTtl how long an agent may wait for approval
     * @return the number of agents disabled
     */
    public int expirePending(OrganizationId org, Duration pendingTtl) {
        Objects.requireNonNull(pendingTtl, "pendingTtl");
        Instant now = clock.instant();
        List<Agent> due = new ArrayList<>();
        PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
        while (true) {
            Page<Agent> p = listPending(org, page);
            for (Agent a : p.items()) {
                if (!now.isBefore(a.enrolledAt().plus(pendingTtl))) {
                    due.add(a);
                }
            }
            if (!p.hasNext()) {
                break;
            }
            page = page.next(p);
        }
        int expired = 0;
        for (Agent a : due) {
            try {
                store.agents().update(a.withStatus(AgentStatus.DISABLED), a.version(), expiryEvent(a, now, pendingTtl));
                expired++;
            } catch (StaleVersionException | NotFoundException changedMeanwhile) {
                // approved, denied or deleted since it was listed: not ours to expire any more
            }
        }
        return expired;
    }

    /**
     * The audit event of a pending agent whose approval did not come within {@code pendingTtl}.
     *
     * @param agent the pending agent
     * @param now when it expired
     * @param pendingTtl the wait it exceeded, named in the reason
     * @return an {@link AuditAction#AGENT_DENIED} event by {@link Actor#SYSTEM}
     */
    public static AuditEvent expiryEvent(Agent agent, Instant now, Duration pendingTtl) {
        return AuditEvent.of(now, agent.organizationId(), Actor.SYSTEM, AuditAction.AGENT_DENIED, Subject.of(agent.id()),
                Map.of("status", AgentStatus.PENDING.name()),
                Map.of("status", AgentStatus.DISABLED.name(), "reason", "approval not given within " + pendingTtl));
    }

    /**
     * Refuses to make {@code agent} one of {@code group}'s agents (moved in, approved, enabled or unlocked there) when
     * it has no verified TPM attestation and the group's effective settings require one: the rule enrollment applies
     * ({@code attestation_required}), on the admin paths that reach the same state. O(depth) for the settings.
     */
    private void requireAttestedIn(Agent agent, GroupId group, String change) {
        if (agent.attestation().isPresent()) {
            return;
        }
        List<Group> path = groups.pathFromRoot(agent.organizationId(), group);
        if (EffectiveSettings.resolve(path).attestation() == AttestationRequirement.TPM) {
            throw new AttestationRequiredException(agent.id(), group, Groups.pathText(path), change);
        }
    }

    /**
     * Moves the agent to another group; its effective settings follow the new group. Audits
     * {@link AuditAction#AGENT_MOVED}.
     *
     * @param actor who moves it
     * @param org the organization
     * @param id the agent
     * @param newGroup the group, in the same organization
     * @return the changed agent
     * @throws NotFoundException when the agent or the group is not in the organization
     * @throws AttestationRequiredException when the agent is not attested and the group's effective settings require
     *         TPM attestation
     */
    public Agent move(Actor actor, OrganizationId org, AgentId id, GroupId newGroup) {
        Objects.requireNonNull(actor, "actor");
        Agent current = require(org, id);
        groups.require(org, Objects.requireNonNull(newGroup, "group"));
        requireAttestedIn(current, newGroup, "moved into");
        return store.agents().update(current.withGroup(newGroup), current.version(), AuditEvent.of(clock.instant(), org,
                actor, AuditAction.AGENT_MOVED, Subject.of(id), Map.of("group", current.groupId().value()),
                Map.of("group", newGroup.value())));
    }

    /**
     * Sets the agent's status to ACTIVE (approves or re-enables it) or DISABLED (its renewals and credentials are
     * refused from now on). A LOCKED agent is unlocked with {@link #unlock}, which says why. Audits
     * {@link AuditAction#AGENT_STATUS_CHANGED}.
     *
     * @param actor who changes it
     * @param org the organization
     * @param id the agent
     * @param status ACTIVE or DISABLED
     * @return the changed agent
     * @throws InvalidInputException for any other status
     * @throws ConflictException when activating a LOCKED agent
     * @throws AttestationRequiredException when activating an agent that is not attested in a group that requires TPM
     *         attestation
     */
    public Agent setStatus(Actor actor, OrganizationId org, AgentId id, AgentStatus status) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(status, "status");
        if (status != AgentStatus.ACTIVE && status != AgentStatus.DISABLED) {
            throw new InvalidInputException("status", "an admin sets ACTIVE or DISABLED");
        }
        Agent current = require(org, id);
        if (current.status() == AgentStatus.LOCKED && status == AgentStatus.ACTIVE) {
            throw new ConflictException("agent " + id + " is locked (two copies of its identity renewed): unlock it");
        }
        if (status == AgentStatus.ACTIVE && current.status() != AgentStatus.ACTIVE) {
            requireAttestedIn(current, current.groupId(), "enabled in");
        }
        Instant now = clock.instant();
        return store.agents().update(current.withStatus(status), current.version(), AuditEvent.of(now, org, actor,
                AuditAction.AGENT_STATUS_CHANGED, Subject.of(id), Map.of("status", current.status().name()),
                Map.of("status", status.name())));
    }

    /**
     * Unlocks an agent that was locked because two copies of its identity renewed. Do it once the copy is gone:
     * the copy that holds the current credential generation renews again, and a copy with an older one locks the
     * agent again. Audits {@link AuditAction#AGENT_UNLOCKED} with the reason and the generation.
     *
     * @param actor who unlocks it
     * @param org the organization
     * @param id the agent
     * @param reason why, up to {@link Disablement#MAX_REASON_LENGTH} characters; blank becomes "no reason given"
     * @return the agent, ACTIVE again
     * @throws ConflictException when the agent is not locked
     * @throws AttestationRequiredException when the agent is not attested and its group requires TPM attestation
     */
    public Agent unlock(Actor actor, OrganizationId org, AgentId id, String reason) {
        Objects.requireNonNull(actor, "actor");
        String why = Disablement.checkReason(reason);
        Agent current = require(org, id);
        if (current.status() != AgentStatus.LOCKED) {
            throw new ConflictException("agent " + id + " is " + current.status() + ", not locked");
        }
        requireAttestedIn(current, current.groupId(), "unlocked in");
        return store.agents().update(current.withStatus(AgentStatus.ACTIVE), current.version(), AuditEvent.of(clock.instant(), org,
                actor, AuditAction.AGENT_UNLOCKED, Subject.of(id), Map.of("status", AgentStatus.LOCKED.name()),
                Map.of("status", AgentStatus.ACTIVE.name(), "reason", why, "generation", Long.toString(current.credentialGeneration()))));
    }

    /**
     * Deletes the agent record; its credential is refused from then on. Audits {@link AuditAction#AGENT_DELETED}.
     *
     * @param actor who deletes it
     * @param org the organization
     * @param id the agent
     * @throws NotFoundException when the agent is not in the organization
     */
    public void delete(Actor actor, OrganizationId org, AgentId id) {
        Objects.requireNonNull(actor, "actor");
        Agent current = require(org, id);
        store.agents().delete(org, id, current.version(), AuditEvent.of(clock.instant(), org, actor,
                AuditAction.AGENT_DELETED, Subject.of(id), Map.of("hostname", current.hostname(),
                        "group", current.groupId().value()), Map.of()));
    }
}
