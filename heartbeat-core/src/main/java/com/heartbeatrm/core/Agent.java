package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An enrolled agent: the identity a managed computer gets when its installer's access key admits it.
 *
 * @param id the agent's public id
 * @param organizationId the organization it belongs to
 * @param groupId the group whose settings apply to it
 * @param status its lifecycle state
 * @param enrolledAt when it enrolled
 * @param accessKeyId the access key that admitted it
 * @param installerId          the installer (enrollment token) it presented, when known
 * @param hostname the host name it reported: 1 to {@link #MAX_HOSTNAME_LENGTH} characters, no slash, backslash or space
 * @param platform the operating system it reported
 * @param publicKeyFingerprint SHA-256 of the agent's public key, lower-case hex; unique within an organization
 * @param keyType              the algorithm of the agent's key: a renewal must prove possession with a key of it
 * @param lastSeenAt when it last enrolled, renewed or polled
 * @param credentialGeneration the generation of the last credential issued to it: 0 before the first (while
 *                             pending), 1 at enrollment, one more at each renewal. A renewal that proves an older
 *                             generation reveals a copy of the identity, and locks the agent.
 * @param credentialIssuedAt   when the credential of the current generation was issued, and
 * @param credentialExpiresAt  when it expires (both empty while none was issued, and for agents stored before they
 *                             were kept): a resent request that issued it is answered with that same credential, never
 *                             a later expiry
 * @param attestation          what the server verified of the TPM holding the agent's key when it enrolled with TPM 2.0
 *                             attestation; empty for an agent that enrolled without. Renewals keep it.
 * @param version the optimistic-locking version; stores bump it on every update
 */
public record Agent(AgentId id, OrganizationId organizationId, GroupId groupId, AgentStatus status, Instant enrolledAt,
        AccessKeyId accessKeyId, Optional<InstallerId> installerId, String hostname, Platform platform,
        String publicKeyFingerprint, AgentKeyType keyType, Instant lastSeenAt, long credentialGeneration, Optional<Instant> credentialIssuedAt,
        Optional<Instant> credentialExpiresAt, Optional<AgentAttestation> attestation, Optional<String> machineFingerprint, long version) {
    /** The longest host name, in characters (a DNS name's limit). */
    public static final int MAX_HOSTNAME_LENGTH = 253;
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern MACHINE = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    /**
     * Validates the components; the host name is trimmed.
     *
     * @param id the agent's public id
     * @param organizationId the organization it belongs to
     * @param groupId the group whose settings apply to it
     * @param status its lifecycle state
     * @param enrolledAt when it enrolled
     * @param accessKeyId the access key that admitted it
     * @param installerId          the installer (enrollment token) it presented, when known
     * @param hostname the host name it reported: 1 to {@link #MAX_HOSTNAME_LENGTH} characters, no slash, backslash or space
     * @param platform the operating system it reported
     * @param publicKeyFingerprint SHA-256 of the agent's public key, lower-case hex; unique within an organization
     * @param keyType              the algorithm of the agent's key: a renewal must prove possession with a key of it
     * @param lastSeenAt when it last enrolled, renewed or polled
     * @param credentialGeneration the generation of the last credential issued to it: 0 before the first (while
     *                             pending), 1 at enrollment, one more at each renewal. A renewal that proves an older
     *                             generation reveals a copy of the identity, and locks the agent.
     * @param credentialIssuedAt   when the credential of the current generation was issued, and
     * @param credentialExpiresAt  when it expires (both empty while none was issued, and for agents stored before they
     *                             were kept): a resent request that issued it is answered with that same credential, never
     *                             a later expiry
     * @param attestation          what the server verified of the agent's TPM at enrollment; empty without attestation
     * @param machineFingerprint   the machine identifier it reported at enrollment, if any: 1 to 128 of letters,
     *                             digits, {@code _ . : -}
     * @param version the optimistic-locking version; stores bump it on every update
     * @throws InvalidInputException when a value is out of range, the fingerprint is not 64 lower-case hex characters,
     *         or {@code credentialExpiresAt} is present without an earlier {@code credentialIssuedAt}
     */
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
        Objects.requireNonNull(attestation, "attestation");
        Objects.requireNonNull(machineFingerprint, "machineFingerprint");
        if (machineFingerprint.isPresent() && !MACHINE.matcher(machineFingerprint.get()).matches()) {
            throw new InvalidInputException("machineFingerprint", "must be 1 to 128 of letters, digits, _ . : -");
        }
        if (version < 0) {
            throw new InvalidInputException("version", "must not be negative");
        }
    }

    /**
     * An agent without a recorded machine identifier: the constructor before agents kept one.
     *
     * @param id                   the agent's public id
     * @param organizationId       the organization it belongs to
     * @param groupId              the group whose settings apply to it
     * @param status               its lifecycle state
     * @param enrolledAt           when it enrolled
     * @param accessKeyId          the access key that admitted it
     * @param installerId          the installer it presented, when known
     * @param hostname             the host name it reported
     * @param platform             the operating system it reported
     * @param publicKeyFingerprint SHA-256 of the agent's public key, lower-case hex
     * @param keyType              the algorithm of the agent's key
     * @param lastSeenAt           when it last enrolled, renewed or polled
     * @param credentialGeneration the generation of the last credential issued to it
     * @param credentialIssuedAt   when that credential was issued; empty while pending
     * @param credentialExpiresAt  when that credential expires; empty while pending
     * @param attestation          what the server verified of the agent's TPM at enrollment; empty without attestation
     * @param version              the store's optimistic-locking version
     */
    public Agent(AgentId id, OrganizationId organizationId, GroupId groupId, AgentStatus status, Instant enrolledAt,
            AccessKeyId accessKeyId, Optional<InstallerId> installerId, String hostname, Platform platform,
            String publicKeyFingerprint, AgentKeyType keyType, Instant lastSeenAt, long credentialGeneration,
            Optional<Instant> credentialIssuedAt, Optional<Instant> credentialExpiresAt, Optional<AgentAttestation> attestation, long version) {
        this(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform, publicKeyFingerprint,
                keyType, lastSeenAt, credentialGeneration, credentialIssuedAt, credentialExpiresAt, attestation, Optional.empty(), version);
    }

    /**
     * An agent enrolled without TPM attestation: the constructor before agents carried an attestation.
     *
     * @param id                   the agent's public id
     * @param organizationId       the organization it belongs to
     * @param groupId              the group whose settings apply to it
     * @param status               its lifecycle state
     * @param enrolledAt           when it enrolled
     * @param accessKeyId          the access key that admitted it
     * @param installerId          the installer it presented, when known
     * @param hostname             the host name it reported
     * @param platform             the operating system it reported
     * @param publicKeyFingerprint SHA-256 of the agent's public key, lower-case hex
     * @param keyType              the algorithm of the agent's key
     * @param lastSeenAt           when it last enrolled, renewed or polled
     * @param credentialGeneration the generation of the last credential issued to it
     * @param credentialIssuedAt   when that credential was issued; empty while pending
     * @param credentialExpiresAt  when that credential expires; empty while pending
     * @param version              the store's optimistic-locking version
     */
    public Agent(AgentId id, OrganizationId organizationId, GroupId groupId, AgentStatus status, Instant enrolledAt,
            AccessKeyId accessKeyId, Optional<InstallerId> installerId, String hostname, Platform platform,
            String publicKeyFingerprint, AgentKeyType keyType, Instant lastSeenAt, long credentialGeneration,
            Optional<Instant> credentialIssuedAt, Optional<Instant> credentialExpiresAt, long version) {
        this(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform, publicKeyFingerprint,
                keyType, lastSeenAt, credentialGeneration, credentialIssuedAt, credentialExpiresAt, Optional.empty(), version);
    }

    /**
     * An agent with an Ed25519 key: the constructor before agents had key types.
     *
     * @param id                   the agent's public id
     * @param organizationId       the organization it belongs to
     * @param groupId              the group whose settings apply to it
     * @param status               its lifecycle state
     * @param enrolledAt           when it enrolled
     * @param accessKeyId          the access key that admitted it
     * @param installerId          the installer it presented, when known
     * @param hostname             the host name it reported
     * @param platform             the operating system it reported
     * @param publicKeyFingerprint SHA-256 of the agent's public key, lower-case hex
     * @param lastSeenAt           when it last enrolled, renewed or polled
     * @param credentialGeneration the generation of the last credential issued to it
     * @param credentialIssuedAt   when that credential was issued; empty while pending
     * @param credentialExpiresAt  when that credential expires; empty while pending
     * @param version              the store's optimistic-locking version
     */
    public Agent(AgentId id, OrganizationId organizationId, GroupId groupId, AgentStatus status, Instant enrolledAt,
            AccessKeyId accessKeyId, Optional<InstallerId> installerId, String hostname, Platform platform,
            String publicKeyFingerprint, Instant lastSeenAt, long credentialGeneration, Optional<Instant> credentialIssuedAt,
            Optional<Instant> credentialExpiresAt, long version) {
        this(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform, publicKeyFingerprint,
                AgentKeyType.ED25519, lastSeenAt, credentialGeneration, credentialIssuedAt, credentialExpiresAt, Optional.empty(), version);
    }

    /**
     * A copy with another status; the version is kept (the store bumps it on update).
     *
     * @param newStatus the status
     * @return the changed copy
     */
    public Agent withStatus(AgentStatus newStatus) {
        return new Agent(id, organizationId, groupId, newStatus, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, keyType, lastSeenAt, credentialGeneration, credentialIssuedAt, credentialExpiresAt, attestation, machineFingerprint, version);
    }

    /**
     * A copy in another group; the version is kept.
     *
     * @param newGroup the group
     * @return the changed copy
     */
    public Agent withGroup(GroupId newGroup) {
        return new Agent(id, organizationId, newGroup, status, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, keyType, lastSeenAt, credentialGeneration, credentialIssuedAt, credentialExpiresAt, attestation, machineFingerprint, version);
    }

    /**
     * A copy last seen at {@code at}; the version is kept.
     *
     * @param at when the agent was seen
     * @return the changed copy
     */
    public Agent withLastSeen(Instant at) {
        return new Agent(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, keyType, at, credentialGeneration, credentialIssuedAt, credentialExpiresAt, attestation, machineFingerprint, version);
    }

    /**
     * The agent holding credential generation {@code generation}, issued at {@code issuedAt} until {@code expiresAt}.
     *
     * @param generation the new generation, not negative
     * @param issuedAt when the credential was issued
     * @param expiresAt when it expires, after {@code issuedAt}
     * @return the changed copy
     */
    public Agent withCredential(long generation, Instant issuedAt, Instant expiresAt) {
        return new Agent(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, keyType, lastSeenAt, generation, Optional.of(issuedAt), Optional.of(expiresAt), attestation, machineFingerprint, version);
    }

    /**
     * A copy with another version; stores call this when they persist a change.
     *
     * @param newVersion the stored row's version, not negative
     * @return the copy
     */
    public Agent withVersion(long newVersion) {
        return new Agent(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, keyType, lastSeenAt, credentialGeneration, credentialIssuedAt, credentialExpiresAt, attestation, machineFingerprint, newVersion);
    }

    /**
     * A copy with another attestation; the version is kept. The server sets it when it admits an attested agent.
     *
     * @param newAttestation what was verified of the agent's TPM, or empty
     * @return the changed copy
     */
    public Agent withAttestation(Optional<AgentAttestation> newAttestation) {
        return new Agent(id, organizationId, groupId, status, enrolledAt, accessKeyId, installerId, hostname, platform,
                publicKeyFingerprint, keyType, lastSeenAt, credentialGeneration, credentialIssuedAt, credentialExpiresAt,
                newAttestation, machineFingerprint, version);
    }
}
