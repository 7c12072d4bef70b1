package com.heartbeatrm.core;


import com.heartbeatrm.core.spi.HeartbeatStore;
import java.util.Objects;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The group tree of an organization and its security settings. Every change is audited. Methods that take an
 * {@code expectedVersion} fail with {@link StaleVersionException} when the group changed since the caller read
 * it; the overloads without one use the version they read themselves.
 */
public final class Groups {
    /** How the root is written in a path. */
    public static final String ROOT_PATH = "/";
    private static final int MAX_PATH_LENGTH = 64 * (Group.MAX_NAME_LENGTH + 1);

    private final HeartbeatStore store;
    private final Clock clock;

    Groups(HeartbeatStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Group create(Actor actor, OrganizationId org, GroupId parent, String name) {
        Objects.requireNonNull(actor, "actor");
        Group.checkNewName(name);
        Group parentGroup = require(org, parent);
        Instant now = clock.instant();
        Group group = new Group(GroupId.random(), org, Optional.of(parentGroup.id()), name, GroupSettings.NONE, now, 0);
        store.groups().insert(group, AuditEvent.of(now, org, actor, AuditAction.GROUP_CREATED, Subject.of(group.id()),
                Map.of(), Map.of("name", group.name(), "parent", parent.value())));
        return group;
    }

    public Group rename(Actor actor, OrganizationId org, GroupId id, String newName) {
        return rename(actor, org, id, newName, require(org, id).version());
    }

    public Group rename(Actor actor, OrganizationId org, GroupId id, String newName, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        Group.checkNewName(newName);
        Group current = require(org, id);
        Group changed = current.withName(newName);
        return store.groups().update(changed, expectedVersion, AuditEvent.renamed(clock.instant(), org, actor,
                AuditAction.GROUP_RENAMED, Subject.of(id), current.name(), changed.name()));
    }

    /** Moves a group (with its subtree) under a new parent; refuses the root and any move that creates a cycle. */
    public Group move(Actor actor, OrganizationId org, GroupId id, GroupId newParent) {
        return move(actor, org, id, newParent, require(org, id).version());
    }

    public Group move(Actor actor, OrganizationId org, GroupId id, GroupId newParent, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(newParent, "newParent");
        Group current = require(org, id);
        require(org, newParent);
        return store.groups().move(org, id, newParent, expectedVersion, AuditEvent.of(clock.instant(), org, actor,
                AuditAction.GROUP_MOVED, Subject.of(id),
                Map.of("parent", current.parentId().map(GroupId::value).orElse("")), Map.of("parent", newParent.value())));
    }

    /** Deletes a group; refused with {@link GroupNotEmptyException} while it has child groups, agents or keys. */
    public void delete(Actor actor, OrganizationId org, GroupId id) {
        delete(actor, org, id, require(org, id).version());
    }

    public void delete(Actor actor, OrganizationId org, GroupId id, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        Group current = require(org, id);
        store.groups().delete(org, id, expectedVersion, AuditEvent.of(clock.instant(), org, actor,
                AuditAction.GROUP_DELETED, Subject.of(id), Map.of("name", current.name(),
                        "parent", current.parentId().map(GroupId::value).orElse("")), Map.of()));
    }

    public Optional<Group> find(OrganizationId org, GroupId id) {
        return store.groups().find(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(id, "group"));
    }

    /** The group, or {@link NotFoundException} (also for a group of another organization). */
    public Group require(OrganizationId org, GroupId id) {
        Objects.requireNonNull(id, "group");
        return find(org, id).orElseThrow(() -> new NotFoundException("group", id.value()));
    }

    /**
     * Looks a group up by its path of names from the root's children, e.g. {@code "Customer A/Site 1"};
     * {@code "/"} or an empty path is the root. Names compare case-insensitively.
     */
    public Optional<Group> findByPath(OrganizationId org, String path) {
        Objects.requireNonNull(path, "path");
        if (path.length() > MAX_PATH_LENGTH) {
            throw new InvalidInputException("path", "too long");
        }
        Optional<Organization> organization = store.organizations().find(Objects.requireNonNull(org, "organization"));
        if (organization.isEmpty()) {
            return Optional.empty();
        }
        Optional<Group> current = find(org, organization.get().rootGroupId());
        String trimmed = path.strip();
        if (trimmed.isEmpty() || trimmed.equals(ROOT_PATH)) {
            return current;
        }
        if (trimmed.startsWith(ROOT_PATH)) {
            trimmed = trimmed.substring(1);
        }
        for (String segment : trimmed.split("/", -1)) {
            if (current.isEmpty()) {
                return current;
            }
            current = store.groups().findChild(org, current.get().id(), segment);
        }
        return current;
    }

    public Group requireByPath(OrganizationId org, String path) {
        return findByPath(org, path).orElseThrow(() -> new NotFoundException("group",
                com.heartbeatrm.core.internal.TextRules.quoteForMessage(path)));
    }

    /** The path of a group as {@link #findByPath} reads it: {@code "Customer A/Site 1"}, or {@code "/"} for the root. */
    public String pathOf(OrganizationId org, GroupId id) {
        return pathText(pathFromRoot(org, id));
    }

    /** The path text of a group given its path from the root (as {@link #pathFromRoot} returns it). */
    public static String pathText(List<Group> pathFromRoot) {
        if (pathFromRoot.isEmpty()) {
            throw new InvalidInputException("path", "a path from the root has at least the root");
        }
        if (pathFromRoot.size() == 1) {
            return ROOT_PATH;
        }
        StringBuilder b = new StringBuilder();
        for (Group g : pathFromRoot.subList(1, pathFromRoot.size())) {
            if (b.length() > 0) {
                b.append('/');
            }
            b.append(g.name());
        }
        return b.toString();
    }

    public List<Group> children(OrganizationId org, GroupId parent) {
        require(org, parent);
        return store.groups().children(org, parent);
    }

    /** The group and every descendant, each after its parent. */
    public List<Group> subtree(OrganizationId org, GroupId id) {
        require(org, id);
        return store.groups().subtree(org, id);
    }

    /** The ancestors of a group, root first, without the group itself. */
    public List<Group> ancestors(OrganizationId org, GroupId id) {
        List<Group> path = pathFromRoot(org, id);
        return path.subList(0, path.size() - 1);
    }

    /** The root first and the group last. */
    public List<Group> pathFromRoot(OrganizationId org, GroupId id) {
        List<Group> path = store.groups().pathFromRoot(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(id, "group"));
        if (path.isEmpty()) {
            throw new NotFoundException("group", id.value());
        }
        return path;
    }

    /** The settings in force for the group, each with its origin. O(depth). */
    public EffectiveSettings effectiveSettings(OrganizationId org, GroupId id) {
        return EffectiveSettings.resolve(pathFromRoot(org, id));
    }

    /** Overrides one setting on the group. Refused with {@link SettingLockedException} if an ancestor locks it. */
    public <T> Group setOverride(Actor actor, OrganizationId org, GroupId id, SecuritySetting<T> setting, T value) {
        Group current = require(org, id);
        return changeSettings(actor, org, id, current.settings().withOverride(setting, value), current.version());
    }

    /** Removes the group's override, so the setting is inherited again. */
    public Group clearOverride(Actor actor, OrganizationId org, GroupId id, SecuritySetting<?> setting) {
        Group current = require(org, id);
        return changeSettings(actor, org, id, current.settings().withoutOverride(setting), current.version());
    }

    /** Locks (or unlocks) a setting for every descendant of the group. */
    public Group setLocked(Actor actor, OrganizationId org, GroupId id, SecuritySetting<?> setting, boolean locked) {
        Group current = require(org, id);
        return changeSettings(actor, org, id, current.settings().withLock(setting, locked), current.version());
    }

    /**
     * Replaces the group's settings. An override that is new or changed is refused when a strict ancestor locks
     * that setting; the error names the ancestor.
     */
    public Group changeSettings(Actor actor, OrganizationId org, GroupId id, GroupSettings settings, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(settings, "settings");
        List<Group> path = pathFromRoot(org, id);
        Group current = path.get(path.size() - 1);
        for (SecuritySetting<?> s : settings.overridden()) {
            if (!settings.override(s).equals(current.settings().override(s))) {
                for (Group ancestor : path.subList(0, path.size() - 1)) {
                    if (ancestor.settings().isLocked(s)) {
                        throw new SettingLockedException(s.name(), ancestor.id(), ancestor.name());
                    }
                }
            }
        }
        return store.groups().update(current.withSettings(settings), expectedVersion, AuditEvent.of(clock.instant(), org,
                actor, AuditAction.GROUP_SETTINGS_CHANGED, Subject.of(id), describe(current.settings()), describe(settings)));
    }

    private static Map<String, String> describe(GroupSettings s) {
        Map<String, String> out = new LinkedHashMap<>(s.overridesAsText());
        List<String> locked = new ArrayList<>();
        s.locked().forEach(l -> locked.add(l.name()));
        out.put("locked", String.join(",", locked));
        return out;
    }
}
