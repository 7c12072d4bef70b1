package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A node of an organization's group tree: a customer, a location, a department. The root has no parent.
 * {@code version} increases with every stored change and drives optimistic concurrency.
 */
public record Group(GroupId id, OrganizationId organizationId, Optional<GroupId> parentId, String name,
        GroupSettings settings, Instant createdAt, long version) {
    public static final int MAX_NAME_LENGTH = 100;

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

    /** Validates a group name: trimmed, 1 to 100 characters, no control characters and no '/'. */
    public static String checkName(String name) {
        return TextRules.name("name", name, MAX_NAME_LENGTH, "/");
    }

    /** Validates a name a group is given now: as {@link #checkName}, and never shaped like an id ({@link IdShape}). */
    public static String checkNewName(String name) {
        return TextRules.notIdShaped("name", checkName(name));
    }

    public boolean isRoot() {
        return parentId.isEmpty();
    }

    /** The name key of a name as given by a user (validated and trimmed first), for look-ups by name. */
    public static String nameKeyOf(String name) {
        return TextRules.foldCase(checkName(name));
    }

    public String nameKey() {
        return TextRules.foldCase(name);
    }

    public Group withName(String newName) {
        return new Group(id, organizationId, parentId, newName, settings, createdAt, version);
    }

    public Group withSettings(GroupSettings newSettings) {
        return new Group(id, organizationId, parentId, name, newSettings, createdAt, version);
    }

    public Group withParent(GroupId newParent) {
        return new Group(id, organizationId, Optional.of(newParent), name, settings, createdAt, version);
    }

    public Group withVersion(long newVersion) {
        return new Group(id, organizationId, parentId, name, settings, createdAt, newVersion);
    }
}
