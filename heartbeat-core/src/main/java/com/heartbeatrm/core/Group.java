package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A node of an organization's group tree: a customer, a location, a department. The root has no parent.
 * {@code version} increases with every stored change and drives optimistic concurrency.
 *
 * @param id the group's public id
 * @param organizationId the organization whose tree it belongs to
 * @param parentId the parent group, empty for the root; never the group itself
 * @param name the name, unique among its siblings ignoring case; see {@link #checkName}
 * @param settings the overrides and locks it declares
 * @param createdAt when it was created
 * @param version the optimistic-locking version, not negative
 */
public record Group(GroupId id, OrganizationId organizationId, Optional<GroupId> parentId, String name,
        GroupSettings settings, Instant createdAt, long version) implements Named<Group> {
    /** The longest group name, in characters. */
    public static final int MAX_NAME_LENGTH = 100;

    /**
     * Validates the components; the name is trimmed.
     *
     * @param id the group's public id
     * @param organizationId the organization whose tree it belongs to
     * @param parentId the parent group, empty for the root; never the group itself
     * @param name the name, unique among its siblings ignoring case; see {@link #checkName}
     * @param settings the overrides and locks it declares
     * @param createdAt when it was created
     * @param version the optimistic-locking version, not negative
     * @throws InvalidInputException when the name is refused, the version is negative or the group is its own parent
     */
    public Group {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(parentId, "parentId");
        name = checkName(name);
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(createdAt, "createdAt");
        if (version < 0) {
            throw new InvalidInputException("version", "must not be negative");
        }
        if (parentId.isPresent() && parentId.get().equals(id)) {
            throw new InvalidInputException("parentId", "a group cannot be its own parent");
        }
    }

    /**
     * Validates a group name: trimmed, 1 to 100 characters, no control characters and no '/'.
     *
     * @param name the name to check
     * @return the trimmed, NFC-normalized name
     * @throws InvalidInputException when the name is refused
     */
    public static String checkName(String name) {
        return TextRules.name("name", name, MAX_NAME_LENGTH, "/");
    }

    /**
     * Validates a name a group is given now: as {@link #checkName}, and never shaped like an id ({@link IdShape}).
     *
     * @param name the name to check
     * @return the trimmed name
     * @throws InvalidInputException when the name is refused
     */
    public static String checkNewName(String name) {
        return TextRules.notIdShaped("name", checkName(name));
    }

    /**
     * Whether this is the organization's root group.
     *
     * @return true when it has no parent
     */
    public boolean isRoot() {
        return parentId.isEmpty();
    }

    /**
     * The name key of a name as given by a user (validated and trimmed first), for look-ups by name.
     *
     * @param name a group name as typed
     * @return its case-folded form
     * @throws InvalidInputException when the name is refused
     */
    public static String nameKeyOf(String name) {
        return TextRules.foldCase(checkName(name));
    }

    /**
     * The case-folded name that sibling names must not share, and that look-ups by name compare.
     *
     * @return the name key
     */
    public String nameKey() {
        return TextRules.foldCase(name);
    }

    /**
     * A copy with another name; the version is kept (the store bumps it on update).
     *
     * @param newName the name, validated by the constructor
     * @return the changed copy
     */
    @Override
    public Group withName(String newName) {
        return new Group(id, organizationId, parentId, newName, settings, createdAt, version);
    }

    /**
     * A copy with other settings; the version is kept.
     *
     * @param newSettings the overrides and locks
     * @return the changed copy
     */
    public Group withSettings(GroupSettings newSettings) {
        return new Group(id, organizationId, parentId, name, newSettings, createdAt, version);
    }

    /**
     * A copy under another parent; the version is kept.
     *
     * @param newParent the parent group
     * @return the changed copy
     */
    public Group withParent(GroupId newParent) {
        return new Group(id, organizationId, Optional.of(newParent), name, settings, createdAt, version);
    }

    /**
     * A copy with another version; stores call this when they persist a change.
     *
     * @param newVersion the stored row's version, not negative
     * @return the copy
     */
    public Group withVersion(long newVersion) {
        return new Group(id, organizationId, parentId, name, settings, createdAt, newVersion);
    }
}
