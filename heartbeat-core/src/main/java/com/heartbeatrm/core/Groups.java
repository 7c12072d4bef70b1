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
public final class Groups extends AdminSection {
    /** How the root is written in a path. */
    public static final String ROOT_PATH = "/";
    private static final int MAX_PATH_LENGTH = 64 * (Group.MAX_NAME_LENGTH + 1);

    Groups(HeartbeatStore store, Clock clock) {
        super(store, clock);
    }

    /**
     * Creates a group under {@code parent} with no settings of its own; audits {@link AuditAction#GROUP_CREATED}.
     *
     * @param actor who creates it
     * @param org the organization
     * @param parent the parent group
     * @param name 1 to {@link Group#MAX_NAME_LENGTH} characters, no '/', not shaped like an id, unique among its
     *        siblings ignoring case
     * @return the stored group, version 0
     * @throws NotFoundException when the parent is not in the organization
     * @throws DuplicateNameException when a sibling has the same name
     */
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

    /**
     * Renames a group at its current version; audits {@link AuditAction#GROUP_RENAMED}.
     *
     * @param actor who renames it
     * @param org the organization
     * @param id the group
     * @param newName the name, checked as by {@link #create}
     * @return the renamed group
     * @throws NotFoundException when the group is not in the organization
     * @throws DuplicateNameException when a sibling has the same name
     */
    public Group rename(Actor actor, OrganizationId org, GroupId id, String newName) {
        return rename(actor, org, id, newName, require(org, id).version());
    }

    /**
     * Renames a group if it is still at {@code expectedVersion}; audits {@link AuditAction#GROUP_RENAMED}.
     *
     * @param actor who renames it
     * @param org the organization
     * @param id the group
     * @param newName the name, checked as by {@link #create}
     * @param expectedVersion the version the caller read
     * @return the renamed group
     * @throws StaleVersionException when the group changed since it was read
     */
    public Group rename(Actor actor, OrganizationId org, GroupId id, String newName, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        Group.checkNewName(newName);
        return rename(actor, org, Subject.of(id), AuditAction.GROUP_RENAMED, require(org, id), newName, expectedVersion,
                store.groups()::update);
    }

    /**
     * Moves a group (with its subtree) under a new parent; refuses the root and any move that creates a cycle.
     * Audits {@link AuditAction#GROUP_MOVED}.
     *
     * @param actor who moves it
     * @param org the organization
     * @param id the group
     * @param newParent the new parent, in the same organization and not in the group's subtree
     * @return the moved group
     * @throws InvalidMoveException when the group is the root or the move would create a cycle
     */
    public Group move(Actor actor, OrganizationId org, GroupId id, GroupId newParent) {
        return move(actor, org, id, newParent, require(org, id).version());
    }

    /**
     * As {@link #move(Actor, OrganizationId, GroupId, GroupId)}, if the group is still at {@code expectedVersion}.
     *
     * @param actor who moves it
     * @param org the organization
     * @param id the group
     * @param newParent the new parent
     * @param expectedVersion the version the caller read
     * @return the moved group
     * @throws StaleVersionException when the group changed since it was read
     */
    public Group move(Actor actor, OrganizationId org, GroupId id, GroupId newParent, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(newParent, "newParent");
        Group current = require(org, id);
        require(org, newParent);
        return store.groups().move(org, id, newParent, expectedVersion, AuditEvent.of(clock.instant(), org, actor,
                AuditAction.GROUP_MOVED, Subject.of(id),
                Map.of("parent", current.parentId().map(GroupId::value).orElse("")), Map.of("parent", newParent.value())));
    }

    /**
     * Deletes a group; refused with {@link GroupNotEmptyException} while it has child groups, agents or keys.
     * Audits {@link AuditAction#GROUP_DELETED}.
     *
     * @param actor who deletes it
     * @param org the organization
     * @param id the group
     * @throws NotFoundException when the group is not in the organization
     */
    public void delete(Actor actor, OrganizationId org, GroupId id) {
        delete(actor, org, id, require(org, id).version());
    }

    /**
     * As {@link #delete(Actor, OrganizationId, GroupId)}, if the group is still at {@code expectedVersion}.
     *
     * @param actor who deletes it
     * @param org the organization
     * @param id the group
     * @param expectedVersion the version the caller read
     * @throws StaleVersionException when the group changed since it was read
     */
    public void delete(Actor actor, OrganizationId org, GroupId id, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        Group current = require(org, id);
        store.groups().delete(org, id, expectedVersion, AuditEvent.of(clock.instant(), org, actor,
                AuditAction.GROUP_DELETED, Subject.of(id), Map.of("name", current.name(),
                        "parent", current.parentId().map(GroupId::value).orElse("")), Map.of()));
    }

    /**
     * Looks a group up; a group of another organization is not found.
     *
     * @param org the organization
     * @param id the group
     * @return the group, or empty
     */
    public Optional<Group> find(OrganizationId org, GroupId id) {
        return store.groups().find(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(id, "group"));
    }

    /**
     * The group, or {@link NotFoundException} (also for a group of another organization).
     *
     * @param org the organization
     * @param id the group
     * @return the group
     */
    public Group require(OrganizationId org, GroupId id) {
        Objects.requireNonNull(id, "group");
        return find(org, id).orElseThrow(() -> new NotFoundException("group", id.value()));
    }

    /**
     * Looks a group up by its path of names from the root's children, e.g. {@code "Customer A/Site 1"};
     * {@code "/"} or an empty path is the root. Names compare case-insensitively.
     *
     * @param org the organization
     * @param path the path, at most 64 levels of names long
     * @return the group, or empty when a segment does not exist or the organization does not
     * @throws InvalidInputException when the path is too long
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

    /**
     * As {@link #findByPath}, for callers that expect the group to exist.
     *
     * @param org the organization
     * @param path the path of names
     * @return the group
     * @throws NotFoundException when no group has that path
     */
    public Group requireByPath(OrganizationId org, String path) {
        return findByPath(org, path).orElseThrow(() -> new NotFoundException("group",
                com.heartbeatrm.core.internal.TextRules.quoteForMessage(path)));
    }

    /**
     * The path of a group as {@link #findByPath} reads it: {@code "Customer A/Site 1"}, or {@code "/"} for the root.
     *
     * @param org the organization
     * @param id the group
     * @return the path text
     * @throws NotFoundException when the group is not in the organization
     */
    public String pathOf(OrganizationId org, GroupId id) {
        return pathText(pathFromRoot(org, id));
    }

    /**
     * The path text of a group given its path from the root (as {@link #pathFromRoot} returns it).
     *
     * @param pathFromRoot the root first, the group last
     * @return the path text, {@code "/"} for the root alone
     * @throws InvalidInputException when the list is empty
     */
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

    /**
     * The direct children of a group.
     *
     * @param org the organization
     * @param parent the group
     * @return its children, possibly none
     * @throws NotFoundException when the group is not in the organization
     */
    public List<Group> children(OrganizationId org, GroupId parent) {
        require(org, parent);
        return store.groups().children(org, parent);
    }

    /**
     * The group and every descendant, each after its parent.
     *
     * @param org the organization
     * @param id the group
     * @return the subtree, the group first
     * @throws NotFoundException when the group is not in the organization
     */
    public List<Group> subtree(OrganizationId org, GroupId id) {
        require(org, id);
        return store.groups().subtree(org, id);
    }

    /**
     * The ancestors of a group, root first, without the group itself.
     *
     * @param org the organization
     * @param id the group
     * @return the ancestors, empty for the root
     * @throws NotFoundException when the group is not in the organization
     */
    public List<Group> ancestors(OrganizationId org, GroupId id) {
        List<Group> path = pathFromRoot(org, id);
        return path.subList(0, path.size() - 1);
    }

    /**
     * The root first and the group last.
     *
     * @param org the organization
     * @param id the group
     * @return the path, at least one group long
     * @throws NotFoundException when the group is not in the organization
     */
    public List<Group> pathFromRoot(OrganizationId org, GroupId id) {
        List<Group> path = store.groups().pathFromRoot(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(id, "group"));
        if (path.isEmpty()) {
            throw new NotFoundException("group", id.value());
        }
        return path;
    }

    /**
     * The settings in force for the group, each with its origin. O(depth).
     *
     * @param org the organization
     * @param id the group
     * @return the resolved settings
     * @throws NotFoundException when the group is not in the organization
     */
    public EffectiveSettings effectiveSettings(OrganizationId org, GroupId id) {
        return EffectiveSettings.resolve(pathFromRoot(org, id));
    }

    /**
     * Overrides one setting on the group. Refused with {@link SettingLockedException} if an ancestor locks it.
     * Audited as by {@link #changeSettings}.
     *
     * @param <T> the setting's value type
     * @param actor who changes it
     * @param org the organization
     * @param id the group
     * @param setting the setting
     * @param value the value, validated by the setting
     * @return the changed group
     */
    public <T> Group setOverride(Actor actor, OrganizationId org, GroupId id, SecuritySetting<T> setting, T value) {
        Group current = require(org, id);
        return changeSettings(actor, org, id, current.settings().withOverride(setting, value), current.version());
    }

    /**
     * Removes the group's override, so the setting is inherited again. Audited as by {@link #changeSettings}.
     *
     * @param actor who changes it
     * @param org the organization
     * @param id the group
     * @param setting the setting
     * @return the changed group
     */
    public Group clearOverride(Actor actor, OrganizationId org, GroupId id, SecuritySetting<?> setting) {
        Group current = require(org, id);
        return changeSettings(actor, org, id, current.settings().withoutOverride(setting), current.version());
    }

    /**
     * Locks (or unlocks) a setting for every descendant of the group. Audited as by {@link #changeSettings}.
     *
     * @param actor who changes it
     * @param org the organization
     * @param id the group
     * @param setting the setting
     * @param locked true to lock, false to unlock
     * @return the changed group
     */
    public Group setLocked(Actor actor, OrganizationId org, GroupId id, SecuritySetting<?> setting, boolean locked) {
        Group current = require(org, id);
        return changeSettings(actor, org, id, current.settings().withLock(setting, locked), current.version());
    }

    /**
     * Replaces the group's settings. An override that is new or changed is refused when a strict ancestor locks
     * that setting; the error names the ancestor. Audits {@link AuditAction#GROUP_SETTINGS_CHANGED} with the old
     * and new overrides and locks.
     *
     * @param actor who changes them
     * @param org the organization
     * @param id the group
     * @param settings the complete new overrides and locks
     * @param expectedVersion the version the caller read
     * @return the changed group
     * @throws SettingLockedException when an ancestor locks a setting being overridden anew
     * @throws StaleVersionException when the group changed since it was read
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
