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
 * @param maxUses   the number of enrollments the key admits, or empty for unlimited
 * @param useCount  enrollments counted so far
 * @param lastUsedBy the agent of the last counted use
 */
public record AccessKey(AccessKeyId id, OrganizationId organizationId, String name, GroupId groupId, boolean isDefault,
        Instant createdAt, Actor createdBy, Optional<Instant> expiresAt, OptionalLong maxUses, long useCount,
        Optional<Instant> lastUsedAt, Optional<AgentId> lastUsedBy, KeyRestrictions restrictions,
        Optional<Disablement> disabled, long version) {
    public static final int MAX_NAME_LENGTH = 100;

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

    public static String checkName(String name) {
        return TextRules.name("name", name, MAX_NAME_LENGTH, "");
    }

    /** Validates a name a key is given now: as {@link #checkName}, and never shaped like an id ({@link IdShape}). */
    public static String checkNewName(String name) {
        return TextRules.notIdShaped("name", checkName(name));
    }

    /** The key's state at {@code now}. Disabled wins over expired, expired over exhausted. */
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

    public AccessKey withName(String newName) {
        return new AccessKey(id, organizationId, newName, groupId, isDefault, createdAt, createdBy, expiresAt, maxUses,
                useCount, lastUsedAt, lastUsedBy, restrictions, disabled, version);
    }

    public AccessKey withGroup(GroupId newGroup) {
        return new AccessKey(id, organizationId, name, newGroup, isDefault, createdAt, createdBy, expiresAt, maxUses,
                useCount, lastUsedAt, lastUsedBy, restrictions, disabled, version);
    }

    public AccessKey withDisabled(Optional<Disablement> newDisabled) {
        return new AccessKey(id, organizationId, name, groupId, isDefault, createdAt, createdBy, expiresAt, maxUses,
                useCount, lastUsedAt, lastUsedBy, restrictions, newDisabled, version);
    }

    /** The key after one more counted use by {@code agent} at {@code at}. */
    public AccessKey withUse(Instant at, AgentId agent) {
        return new AccessKey(id, organizationId, name, groupId, isDefault, createdAt, createdBy, expiresAt, maxUses,
                useCount + 1, Optional.of(at), Optional.of(agent), restrictions, disabled, version);
    }

    public AccessKey withVersion(long newVersion) {
        return new AccessKey(id, organizationId, name, groupId, isDefault, createdAt, createdBy, expiresAt, maxUses,
                useCount, lastUsedAt, lastUsedBy, restrictions, disabled, newVersion);
    }
}
