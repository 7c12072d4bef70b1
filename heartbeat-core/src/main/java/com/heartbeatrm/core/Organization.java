package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.time.Instant;
import java.util.Objects;

/** A tenant: its groups, keys and agents are invisible to every other organization. */
public record Organization(OrganizationId id, String name, GroupId rootGroupId, Instant createdAt) {
    public static final int MAX_NAME_LENGTH = 100;

    public Organization {
        Objects.requireNonNull(id, "id");
        name = checkName(name);
        Objects.requireNonNull(rootGroupId, "rootGroupId");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public static String checkName(String name) {
        return TextRules.name("organization name", name, MAX_NAME_LENGTH, "");
    }

    /**
     * Validates a name an organization is given now: as {@link #checkName}, and never shaped like an id. Names stored
     * before that rule still load (and can be renamed): only new names are held to it.
     */
    public static String checkNewName(String name) {
        return TextRules.notIdShaped("organization name", checkName(name));
    }

    /** The name key of a name as given by a user (validated and trimmed first), for look-ups by name. */
    public static String nameKeyOf(String name) {
        return TextRules.foldCase(checkName(name));
    }

    public String nameKey() {
        return TextRules.foldCase(name);
    }
}
