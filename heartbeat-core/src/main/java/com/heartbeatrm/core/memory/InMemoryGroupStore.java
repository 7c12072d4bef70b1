package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.GroupNotEmptyException;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.InvalidMoveException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.StaleVersionException;
import com.heartbeatrm.core.spi.GroupStore;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** The group tree of each tenant: insert, rename, move with its cycle check, settings, delete with its blocker check. */
final class InMemoryGroupStore extends OverTenantState implements GroupStore {
    InMemoryGroupStore(TenantState state) {
        super(state);
    }

    @Override
    public void insert(Group group, AuditEvent audit) {
        state.write(group.organizationId(), t -> {
            GroupId parent = group.parentId().orElseThrow(() -> new InvalidInputException("parentId", "a new group needs a parent"));
            t.group(parent);
            TenantState.requireNew(t.groups, group.id(), "group id");
            NavigableMap<String, GroupId> siblings = t.childrenOf(parent);
            if (siblings.containsKey(group.nameKey())) {
                throw new DuplicateNameException("group", group.name());
            }
            Group stored = group.withVersion(0);
            t.groups.put(stored.id(), stored);
            t.children.put(stored.id(), new TreeMap<>());
            siblings.put(stored.nameKey(), stored.id());
            state.appendAudit(t, audit);
            return null;
        });
    }

    @Override
    public Group update(Group changed, long expectedVersion, AuditEvent audit) {
        return state.update(changed.organizationId(), VersionedTable.GROUPS, changed.id(), expectedVersion, audit, (t, current) -> {
            if (!current.nameKey().equals(changed.nameKey()) && current.parentId().isPresent()) {
                NavigableMap<String, GroupId> siblings = t.childrenOf(current.parentId().get());
                if (siblings.containsKey(changed.nameKey())) {
                    throw new DuplicateNameException("group", changed.name());
                }
                siblings.remove(current.nameKey());
                siblings.put(changed.nameKey(), current.id());
            }
            return current.withName(changed.name()).withSettings(changed.settings()).withVersion(current.version() + 1);
        });
    }

    @Override
    public Group move(OrganizationId org, GroupId id, GroupId newParent, long expectedVersion, AuditEvent audit) {
        return state.write(org, t -> {
            Group current = t.group(id);
            Group parent = t.group(newParent);
            StaleVersionException.check("group", id.value(), expectedVersion, current.version());
            if (current.isRoot()) {
                throw new InvalidMoveException("the root group cannot be moved");
            }
            for (Group a = parent; ; a = t.group(a.parentId().get())) {
                if (a.id().equals(id)) {
                    throw new InvalidMoveException("cannot move group \"" + current.name() + "\" under itself or its own descendant \"" + parent.name() + "\"");
                }
                if (a.isRoot()) {
                    break;
                }
            }
            NavigableMap<String, GroupId> target = t.childrenOf(newParent);
            GroupId clash = target.get(current.nameKey());
            if (clash != null && !clash.equals(id)) {
                throw new DuplicateNameException("group", current.name());
            }
            t.childrenOf(current.parentId().get()).remove(current.nameKey());
            target.put(current.nameKey(), id);
            Group stored = current.withParent(newParent).withVersion(current.version() + 1);
            t.groups.put(id, stored);
            state.appendAudit(t, audit);
            return stored;
        });
    }

    @Override
    public void delete(OrganizationId org, GroupId id, long expectedVersion, AuditEvent audit) {
        state.write(org, t -> {
            Group current = VersionedTable.GROUPS.current(t, id, expectedVersion);
            if (current.isRoot()) {
                throw new ConflictException("the root group cannot be deleted");
            }
            NavigableMap<String, GroupId> kids = t.childrenOf(id);
            long agentCount = t.agents.values().stream().filter(a -> a.groupId().equals(id)).count();
            List<String> keyIds = t.keys.values().stream().filter(k -> k.groupId().equals(id))
                    .map(k -> k.id().value()).sorted().toList();
            if (!kids.isEmpty() || agentCount > 0 || !keyIds.isEmpty()) {
                List<String> childNames = kids.values().stream().limit(10).map(c -> t.group(c).name()).toList();
                throw GroupNotEmptyException.of(id, kids.size(), childNames, agentCount, keyIds.size(),
                        keyIds.subList(0, Math.min(10, keyIds.size())));
            }
            t.childrenOf(current.parentId().get()).remove(current.nameKey());
            t.children.remove(id);
            t.groups.remove(id);
            state.appendAudit(t, audit);
            return null;
        });
    }

    @Override
    public Optional<Group> find(OrganizationId org, GroupId id) {
        return state.read(org, Optional.empty(), t -> Optional.ofNullable(t.groups.get(id)));
    }

    @Override
    public List<Group> pathFromRoot(OrganizationId org, GroupId id) {
        return state.read(org, List.of(), t -> TenantState.pathFromRoot(t, id));
    }

    @Override
    public List<Group> children(OrganizationId org, GroupId parent) {
        return state.read(org, List.of(), t -> {
            TreeMap<String, GroupId> kids = t.children.get(parent);
            return kids == null ? List.of() : kids.values().stream().map(t.groups::get).toList();
        });
    }

    @Override
    public Optional<Group> findChild(OrganizationId org, GroupId parent, String name) {
        String key;
        try {
            key = com.heartbeatrm.core.internal.TextRules.foldCase(Group.checkName(name));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
        return state.read(org, Optional.empty(), t -> {
            TreeMap<String, GroupId> kids = t.children.get(parent);
            return kids == null ? Optional.empty() : Optional.ofNullable(kids.get(key)).map(t.groups::get);
        });
    }

    @Override
    public List<Group> subtree(OrganizationId org, GroupId root) {
        return state.read(org, List.of(), t -> {
            if (!t.groups.containsKey(root)) {
                return List.of();
            }
            List<Group> out = new ArrayList<>();
            java.util.ArrayDeque<GroupId> stack = new java.util.ArrayDeque<>();
            stack.push(root);
            while (!stack.isEmpty()) {
                GroupId g = stack.pop();
                out.add(t.group(g));
                List<GroupId> kids = new ArrayList<>(t.childrenOf(g).values());
                for (int i = kids.size() - 1; i >= 0; i--) {
                    stack.push(kids.get(i));
                }
            }
            return List.copyOf(out);
        });
    }
}
