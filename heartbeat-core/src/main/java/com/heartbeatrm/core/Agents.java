package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.Checks;
import com.heartbeatrm.core.spi.HeartbeatStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Enrolled agents: look-ups and admin changes. Agents are created by enrollment (the {@code heartbeat-enrollment}
 * module), through the store's atomic {@link com.heartbeatrm.core.spi.AgentStore#enroll}.
 */
public final class Agents {
    private final HeartbeatStore store;
    private final Clock clock;
    private final Groups groups;

    Agents(HeartbeatStore store, Clock clock, Groups groups) {
        this.store = store;
        this.clock = clock;
        this.groups = groups;
    }

    public Optional<Agent> find(OrganizationId org, AgentId id) {
        return store.agents().find(Checks.notNull("organization", org), Checks.notNull("agent", id));
    }

    public Agent require(OrganizationId org, AgentId id) {
        Checks.notNull("agent", id);
        return find(org, id).orElseThrow(() -> new NotFoundException("agent", id.value()));
    }

    public Page<Agent> listByGroup(OrganizationId org, GroupId group, PageRequest page) {
        groups.require(org, group);
        return store.agents().listByGroup(org, group, Checks.notNull("page", page));
    }

    public Page<Agent> listByKey(OrganizationId org, AccessKeyId key, PageRequest page) {
        return store.agents().listByKey(Checks.notNull("organization", org), Checks.notNull("key", key), Checks.notNull("page", page));
    }

    /** Moves the agent to another group; its effective settings follow the new group. */
    public Agent move(Actor actor, OrganizationId org, AgentId id, GroupId newGroup) {
        Checks.notNull("actor", actor);
        Agent current = require(org, id);
        groups.require(org, Checks.notNull("group", newGroup));
        return store.agents().update(current.withGroup(newGroup), current.version(), AuditEvent.of(clock.instant(), org,
                actor, AuditAction.AGENT_MOVED, Subject.of(id), Map.of("group", current.groupId().value()),
                Map.of("group", newGroup.value())));
    }

    /** Sets the agent's status: DISABLED stops its credential renewals; ACTIVE approves or re-enables it. */
    public Agent setStatus(Actor actor, OrganizationId org, AgentId id, AgentStatus status) {
        Checks.notNull("actor", actor);
        Checks.notNull("status", status);
        Agent current = require(org, id);
        Instant now = clock.instant();
        return store.agents().update(current.withStatus(status), current.version(), AuditEvent.of(now, org, actor,
                AuditAction.AGENT_STATUS_CHANGED, Subject.of(id), Map.of("status", current.status().name()),
                Map.of("status", status.name())));
    }

    public void delete(Actor actor, OrganizationId org, AgentId id) {
        Checks.notNull("actor", actor);
        Agent current = require(org, id);
        store.agents().delete(org, id, current.version(), AuditEvent.of(clock.instant(), org, actor,
                AuditAction.AGENT_DELETED, Subject.of(id), Map.of("hostname", current.hostname(),
                        "group", current.groupId().value()), Map.of()));
    }
}
