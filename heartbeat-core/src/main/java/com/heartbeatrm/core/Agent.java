package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An enrolled agent: the identity a managed computer gets when its installer's access key admits it.
 *
 * @param installerId          the id of the enrollment token (installer) it presented, when known
 * @param publicKeyFingerprint SHA-256 of the agent's public key, lower-case hex; unique within an organization
 */
public record Agent(AgentId id, OrganizationId organizationId, GroupId groupId, AgentStatus status, Instant enrolledAt,
        AccessKeyId accessKeyId, Optional<String> installerId, String hostname, Platform platform,
        String publicKeyFingerprint, Instant lastSeenAt, long version) {
    public static final int MAX_HOSTNAME_LENGTH = 253;
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern INSTALLER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public Agent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(enrolledAt, "enrolledAt");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(installerId, "installerId");
        if (installerId.isPresent() && !INSTALLER_ID.matcher(installerId.get()).matches()) {
            throw new InvalidInputException("installerId", "not a valid installer id");
        }
        hostname = TextRules.name("hostname", hostname, MAX_HOSTNAME_LENGTH, "/\\ ");
        Objects.requireNonNull(platform, "platform");
        if (publicKeyFingerprint == null || !FINGERPRINT.matcher(publicKeyFingerprint).matches()) {
            throw new InvalidInputException("publicKeyFingerprint", "must be 64 lower-case hex characters");
        }
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
        if (version < 0) {
            throw new InvalidInputException("version", "must not be negative");
        }
    }

    public Agent withStatus(AgentStatus newStatus) {
        return new Agent(id, organizationId, groupId, newStatus, enrolledAt, accessKeyId,
                installerId, hostname, platform, publicKeyFingerprint, lastSeenAt, version);
    }

    public Agent withGroup(GroupId newGroup) {
        return new Agent(id, organizationId, newGroup, status, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, lastSeenAt, version);
    }

    public Agent withLastSeen(Instant at) {
        return new Agent(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, at, version);
    }

    public Agent withVersion(long newVersion) {
        return new Agent(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, lastSeenAt, newVersion);
    }
}
