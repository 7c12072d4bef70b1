package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.Subject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The group subtrees one admin call may see and change ({@link AdminAuthorizer#allowsIn}), with the answers cached for
 * the call, as are the groups of the keys and audit subjects that rows name (a list of one agent's audit events looks
 * the agent up once). With the default authorizer every group is in scope and nothing is looked up.
 */
final class Scope {
    static final AdminAuthorizer ALLOW_ALL = (actor, organization, action) -> true;

    private final AdminAuthorizer authorizer;
    private final HeartbeatAdmin admin;
    private final Actor actor;
    /** Empty for a deployment-wide call, which acts on no organization's groups. */
    private final Optional<Organization> organization;
    private final AdminAction action;
    private final boolean everything;
    private final Map<GroupId, Boolean> answers = new HashMap<>();
    /** Per call, each key's and each audit subject's group, looked up once however many rows name it. */
    private final Map<com.heartbeatrm.core.AccessKeyId, GroupId> keyGroups = new HashMap<>();
    private final Map<Subject, Optional<GroupId>> subjectGroups = new HashMap<>();

    Scope(AdminAuthorizer authorizer, HeartbeatAdmin admin, Actor actor, Optional<Organization> organization, AdminAction action) {
        this.authorizer = authorizer;
        this.admin = admin;
        this.actor = actor;
        this.organization = organization;
        this.action = action;
        this.everything = authorizer == ALLOW_ALL;
    }

    /** The call's organization; only a call that acts in one looks up groups. */
    private Organization org() {
        return organization.orElseThrow(() -> new IllegalStateException("a deployment-wide call has no groups in scope"));
    }

    /** Whether the authorizer may narrow this call to some subtrees (false for the default: nothing to look up). */
    boolean narrowed() {
        return !everything;
    }

    /** Whether what lies in {@code group} is in scope. */
    boolean allows(GroupId group) {
        if (everything) {
            return true;
        }
        return answers.computeIfAbsent(group, g -> {
            var path = admin.groups().pathFromRoot(org().id(), g).stream().map(Group::id).toList();
            return !path.isEmpty() && authorizer.allowsIn(actor, org(), new GroupPath(path), action);
        });
    }

    /** The group, or "not found" (as the caller typed it) when it lies outside the actor's subtrees. */
    Group check(Group g, String asTyped) {
        if (!allows(g.id())) {
            throw new NotFoundException("group", asTyped);
        }
        return g;
    }

    AccessKey check(AccessKey k, String asTyped) {
        if (!allows(k.groupId())) {
            throw new NotFoundException("access key", asTyped);
        }
        return k;
    }

    Agent check(Agent a) {
        if (!allows(a.groupId())) {
            throw new NotFoundException("agent", a.id().value());
        }
        return a;
    }

    boolean allows(AccessKey k) {
        return allows(k.groupId());
    }

    boolean allows(Agent a) {
        return allows(a.groupId());
    }

    /** An installer lies in its key's group; a key that is gone counts as the root group. */
    boolean allows(InstallerRecord r) {
        return everything || allows(keyGroups.computeIfAbsent(r.accessKeyId(),
                k -> admin.accessKeys().find(org().id(), k).map(AccessKey::groupId).orElse(org().rootGroupId())));
    }

    InstallerRecord check(InstallerRecord r) {
        if (!allows(r)) {
            throw new NotFoundException("installer", r.id().value());
        }
        return r;
    }

    /** An audit event lies in its subject's group; the organization, signing keys and objects now gone count as the root's. */
    boolean allows(AuditRecord r) {
        if (everything) {
            return true;
        }
        return allows(subjectGroups.computeIfAbsent(r.event().subject(), this::groupOf).orElse(org().rootGroupId()));
    }

    private Optional<GroupId> groupOf(Subject s) {
        try {
            return switch (s.type()) {
                case GROUP -> Optional.of(GroupId.parse(s.id())).filter(g -> admin.groups().find(org().id(), g).isPresent());
                case ACCESS_KEY -> admin.accessKeys().find(org().id(), com.heartbeatrm.core.AccessKeyId.parse(s.id())).map(AccessKey::groupId);
                case AGENT -> admin.agents().find(org().id(), AgentId.parse(s.id())).map(Agent::groupId);
                default -> Optional.empty();
            };
        } catch (InvalidInputException notAnId) {
            return Optional.empty();
        }
    }
}
