package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.time.Instant;
import java.util.Objects;

/**
 * A tenant: its groups, keys and agents are invisible to every other organization.
 *
 * @param id the organization's public id
 * @param name its name, unique per store ignoring case; see {@link #checkName}
 * @param rootGroupId the root of its group tree
 * @param createdAt when it was set up
 */
public record Organization(OrganizationId id, String name, GroupId rootGroupId, Instant createdAt) {
    /** The longest organization name, in characters. */
    public static final int MAX_NAME_LENGTH = 100;

    /**
     * Validates the components; the name is trimmed.
     *
     * @param id the organization's public id
     * @param name its name, unique per store ignoring case; see {@link #checkName}
     * @param rootGroupId the root of its group tree
     * @param createdAt when it was set up
     * @throws InvalidInputException when the name is refused
     */
    public Organization {
        Objects.requireNonNull(id, "id");
        name = checkName(name);
        Objects.requireNonNull(rootGroupId, "rootGroupId");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * Validates an organization name: trimmed and NFC-normalized, 1 to {@link #MAX_NAME_LENGTH} code points, no control
     * or invisible characters.
     *
     * @param name the name to check
     * @return the trimmed name
     * @throws InvalidInputException when the name is refused
     */
    public static String checkName(String name) {
        return TextRules.name("organization name", name, MAX_NAME_LENGTH, "");
    }

    /**
     * Validates a name an organization is given now: as {@link #checkName}, and never shaped like an id. Names stored
     * before that rule still load (and can be renamed): only new names are held to it.
     *
     * @param name the name to check
     * @return the trimmed name
     * @throws InvalidInputException when the name is refused
     */
    public static String checkNewName(String name) {
        return TextRules.notIdShaped("organization name", checkName(name));
    }

    /**
     * The name key of a name as given by a user (validated and trimmed first), for look-ups by name.
     *
     * @param name an organization name as typed
     * @return its case-folded form
     * @throws InvalidInputException when the name is refused
     */
    public static String nameKeyOf(String name) {
        return TextRules.foldCase(checkName(name));
    }

    /**
     * The case-folded name that must be unique per store, and that look-ups by name compare.
     *
     * @return the name key
     */
    public String nameKey() {
        return TextRules.foldCase(name);
    }
}
