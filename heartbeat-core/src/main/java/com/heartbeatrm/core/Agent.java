package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An enrolled agent: the identity a managed computer gets when its installer's access key admits it.
 *
 * @param installerId          the installer (enrollment token) it presented, when known
 * @param publicKeyFingerprint SHA-256 of the agent's public key, lower-case hex; unique within an organization
 * @param keyType              the algorithm of the agent's key: a renewal must prove possession with a key of it
 * @param credentialGeneration the generation of the last credential issued to it: 0 before the first (while
 *                             pending), 1 at enrollment, one more at each renewal. A renewal that proves an older
 *                             generation reveals a copy of the identity, and locks the agent.
 * @param credentialIssuedAt   when the credential of the current generation was issued, and
 * @param credentialExpiresAt  when it expires (both empty while none was issued, and for agents stored before they
 *                             were kept): a resent request that issued it is answered with that same credential, never
 *                             a later expiry
 */
public record Agent(AgentId id, OrganizationId organizationId, GroupId groupId, AgentStatus status, Instant enrolledAt,
        AccessKeyId accessKeyId, Optional<InstallerId> installerId, String hostname, Platform platform,
        String publicKeyFingerprint, AgentKeyType keyType, Instant lastSeenAt, long credentialGeneration, Optional<Instant> credentialIssuedAt,
        Optional<Instant> credentialExpiresAt, long version) {
    public static final int MAX_HOSTNAME_LENGTH = 253;
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

    public Agent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(status, "status");
        Timestamps.check("enrolledAt", enrolledAt);
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(installerId, "installerId");
        hostname = TextRules.name("hostname", hostname, MAX_HOSTNAME_LENGTH, "/\\ ");
        Objects.requireNonNull(platform, "platform");
        if (publicKeyFingerprint == null || !FINGERPRINT.matcher(publicKeyFingerprint).matches()) {
            throw new InvalidInputException("publicKeyFingerprint", "must be 64 lower-case hex characters");
        }
        Objects.requireNonNull(keyType, "keyType");
        Timestamps.check("lastSeenAt", lastSeenAt);
        if (credentialGeneration < 0) {
            throw new InvalidInputException("credentialGeneration", "must not be negative");
        }
        Objects.requireNonNull(credentialIssuedAt, "credentialIssuedAt");
        Objects.requireNonNull(credentialExpiresAt, "credentialExpiresAt");
        credentialIssuedAt.ifPresent(t -> Timestamps.check("credentialIssuedAt", t));
        credentialExpiresAt.ifPresent(t -> Timestamps.check("credentialExpiresAt", t));
        if (credentialExpiresAt.isPresent() && credentialIssuedAt.filter(i -> i.isBefore(credentialExpiresAt.get())).isEmpty()) {
            throw new InvalidInputException("credentialExpiresAt", "needs an issue time before it");
        }
        if (version < 0) {
            throw new InvalidInputException("version", "must not be negative");
        }
    }

    /** An agent with an Ed25519 key: the constructor before agents had key types. */
    public Agent(AgentId id, OrganizationId organizationId, GroupId groupId, AgentStatus status, Instant enrolledAt,
            AccessKeyId accessKeyId, Optional<InstallerId> installerId, String hostname, Platform platform,
            String publicKeyFingerprint, Instant lastSeenAt, long credentialGeneration, Optional<Instant> credentialIssuedAt,
            Optional<Instant> credentialExpiresAt, long version) {
        this(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform, publicKeyFingerprint,
                AgentKeyType.ED25519, lastSeenAt, credentialGeneration, credentialIssuedAt, credentialExpiresAt, version);
    }

    public Agent withStatus(AgentStatus newStatus) {
        return new Agent(id, organizationId, groupId, newStatus, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, keyType, lastSeenAt, credentialGeneration, credentialIssuedAt, credentialExpiresAt, version);
    }

    public Agent withGroup(GroupId newGroup) {
        return new Agent(id, organizationId, newGroup, status, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, keyType, lastSeenAt, credentialGeneration, credentialIssuedAt, credentialExpiresAt, version);
    }

    public Agent withLastSeen(Instant at) {
        return new Agent(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, keyType, at, credentialGeneration, credentialIssuedAt, credentialExpiresAt, version);
    }

    /** The agent holding credential generation {@code generation}, issued at {@code issuedAt} until {@code expiresAt}. */
    public Agent withCredential(long generation, Instant issuedAt, Instant expiresAt) {
        return new Agent(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, keyType, lastSeenAt, generation, Optional.of(issuedAt), Optional.of(expiresAt), version);
    }

    public Agent withVersion(long newVersion) {
        return new Agent(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, keyType, lastSeenAt, credentialGeneration, credentialIssuedAt, credentialExpiresAt, newVersion);
    }
}
