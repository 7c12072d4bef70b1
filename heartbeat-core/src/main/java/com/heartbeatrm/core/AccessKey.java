package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An access key: decides which group a new agent joins. Its id is public (it appears in installers, logs and
 * audit) and unguessable; the credential an installer carries is a signed token naming the key, so the key
 * itself holds no secret. Disabling the key refuses every installer that names it.
 *
 * @param id the key's public id
 * @param organizationId the organization that owns the key
 * @param name the display name, 1 to {@link #MAX_NAME_LENGTH} characters
 * @param groupId the group new agents enrolled with this key join
 * @param isDefault whether this is the key the organization got at setup
 * @param createdAt when the key was created
 * @param createdBy who created it
 * @param expiresAt when it stops admitting agents, or empty for never
 * @param maxUses the number of enrollments the key admits (positive), or empty for unlimited
 * @param useCount enrollments counted so far, from 0 to {@code maxUses}
 * @param lastUsedAt when the last counted use happened
 * @param lastUsedBy the agent of the last counted use
 * @param restrictions networks and platforms the key narrows enrollment to
 * @param disabled why and by whom the key was disabled, or empty when it is not
 * @param version the optimistic-locking version, 0 for a new key; stores bump it on every update
 */
public record AccessKey(AccessKeyId id, OrganizationId organizationId, String name, GroupId groupId, boolean isDefault,
        Instant createdAt, Actor createdBy, Optional<Instant> expiresAt, OptionalLong maxUses, long useCount,
        Optional<Instant> lastUsedAt, Optional<AgentId> lastUsedBy, KeyRestrictions restrictions,
        Optional<Disablement> disabled, long version) implements Named<AccessKey> {
    /** The longest name a key may have, in characters. */
    public static final int MAX_NAME_LENGTH = 100;

    /**
     * Validates the components; the name as {@link #checkName}.
     *
     * @param id the key's public id
     * @param organizationId the owning organization
     * @param name the display name
     * @param groupId the target group
     * @param isDefault whether it is the setup key
     * @param createdAt the creation time
     * @param createdBy the creator
     * @param expiresAt the expiry, or empty
     * @param maxUses the use limit, positive, or empty
     * @param useCount the uses so far, 0 to {@code maxUses}
     * @param lastUsedAt the last use
     * @param lastUsedBy the agent of the last use
     * @param restrictions the narrowing restrictions
     * @param disabled the disablement, or empty
     * @param version the version, not negative
     * @throws InvalidInputException when a bound is violated
     */
    public AccessKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organizationId, "organizationId");
        name = checkName(name);
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(maxUses, "maxUses");
        if (maxUses.isPresent() && maxUses.getAsLong() <= 0) {
            throw new InvalidInputException("maxUses", "must be positive, got " + maxUses.getAsLong());
        }
        if (useCount < 0 || (maxUses.isPresent() && useCount > maxUses.getAsLong())) {
            throw new InvalidInputException("useCount", "out of range: " + useCount);
        }
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(lastUsedBy, "lastUsedBy");
        Objects.requireNonNull(restrictions, "restrictions");
        Objects.requireNonNull(disabled, "disabled");
        if (version < 0) {
            throw new InvalidInputException("version", "must not be negative");
        }
    }

    /**
     * Validates a key name: trimmed and NFC-normalized, 1 to {@link #MAX_NAME_LENGTH} code points, no control or
     * invisible characters. Applies to stored names too; a name given now must also pass {@link #checkNewName}.
     *
     * @param name the name to check
     * @return the trimmed name
     * @throws InvalidInputException when the name is blank, too long or holds a control or invisible character
     */
    public static String checkName(String name) {
        return TextRules.name("name", name, MAX_NAME_LENGTH, "");
    }

    /**
     * Validates a name a key is given now: as {@link #checkName}, and never shaped like an id ({@link IdShape}).
     *
     * @param name the name to check
     * @return the trimmed name
     * @throws InvalidInputException when the name is refused
     */
    public static String checkNewName(String name) {
        return TextRules.notIdShaped("name", checkName(name));
    }

    /**
     * The key's state at {@code now}. Disabled wins over expired, expired over exhausted.
     *
     * @param now the instant to judge expiry at
     * @return the computed status; only {@link AccessKeyStatus#ENABLED} admits new agents
     */
    public AccessKeyStatus status(Instant now) {
        if (disabled.isPresent()) {
            return AccessKeyStatus.DISABLED;
        }
        if (expiresAt.isPresent() && !now.isBefore(expiresAt.get())) {
            return AccessKeyStatus.EXPIRED;
        }
        if (maxUses.isPresent() && useCount >= maxUses.getAsLong()) {
            return AccessKeyStatus.EXHAUSTED;
        }
        return AccessKeyStatus.ENABLED;
    }

    /**
     * A copy with another name; the version is kept (the store bumps it on update).
     *
     * @param newName the new name, validated by the constructor
     * @return the renamed copy
     */
    @Override
    public AccessKey withName(String newName) {
        return new AccessKey(id, organizationId, newName, groupId, isDefault, createdAt, createdBy, expiresAt, maxUses,
                useCount, lastUsedAt, lastUsedBy, restrictions, disabled, version);
    }

    /**
     * A copy pointing at another group; the version is kept.
     *
     * @param newGroup the group future enrollments join
     * @return the re-pointed copy
     */
    public AccessKey withGroup(GroupId newGroup) {
        return new AccessKey(id, organizationId, name, newGroup, isDefault, createdAt, createdBy, expiresAt, maxUses,
                useCount, lastUsedAt, lastUsedBy, restrictions, disabled, version);
    }

    /**
     * A copy with the disablement replaced; the version is kept.
     *
     * @param newDisabled the disablement, or empty to enable the key
     * @return the changed copy
     */
    public AccessKey withDisabled(Optional<Disablement> newDisabled) {
        return new AccessKey(id, organizationId, name, groupId, isDefault, createdAt, createdBy, expiresAt, maxUses,
                useCount, lastUsedAt, lastUsedBy, restrictions, newDisabled, version);
    }

    /**
     * The key after one more counted use by {@code agent} at {@code at}.
     *
     * @param at when the enrollment happened
     * @param agent the agent that enrolled
     * @return the copy with {@code useCount} one higher
     * @throws InvalidInputException when the use would exceed {@code maxUses}
     */
    public AccessKey withUse(Instant at, AgentId agent) {
        return new AccessKey(id, organizationId, name, groupId, isDefault, createdAt, createdBy, expiresAt, maxUses,
                useCount + 1, Optional.of(at), Optional.of(agent), restrictions, disabled, version);
    }

    /**
     * A copy with another version; stores call this when they persist a change.
     *
     * @param newVersion the version the stored row now has, not negative
     * @return the copy
     */
    public AccessKey withVersion(long newVersion) {
        return new AccessKey(id, organizationId, name, groupId, isDefault, createdAt, createdBy, expiresAt, maxUses,
                useCount, lastUsedAt, lastUsedBy, restrictions, disabled, newVersion);
    }
}
