package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.InstallerRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an enrollment decision needs from the store, read in the enrollment's own transaction, so that what the
 * judge sees is what the step commits against.
 *
 * @param organization     the organization, if it exists
 * @param installer        the installer record the token names, if the organization has it
 * @param signingKeyKnown  whether the token's issuer key still exists (active or retired)
 * @param key              the access key the token names, if it exists
 * @param groupPath        the key's group and its ancestors, root first (empty when the key does not exist)
 * @param existingAgent    the organization's agent with the same public key, if one exists (a retry)
 * @param blockedUntil     the end of the attempt's throttle bucket's block, if it is blocked now
 * @param nonceSeen        whether the nonce is already remembered (a replay)
 * @param activeSigningKeyId the id of the active issuer key now (a node caches the key and checks it against this)
 * @param sameMachine      the organization's agents that reported the attempt's machine fingerprint (empty when the
 *                         attempt carries none): a TPM-attested enrollment from a machine whose agent has another TPM
 *                         waits for approval
 */
public record EnrollmentFacts(Optional<Organization> organization, Optional<InstallerRecord> installer, boolean signingKeyKnown, Optional<AccessKey> key,
        List<Group> groupPath, Optional<Agent> existingAgent, Optional<Instant> blockedUntil, boolean nonceSeen, Optional<String> activeSigningKeyId,
        List<Agent> sameMachine) {
    /**
     * Copies the group path and checks that nothing is null.
     *
     * @param organization     the organization, if it exists
     * @param installer        the installer record the token names, if the organization has it
     * @param signingKeyKnown  whether the token's issuer key still exists (active or retired)
     * @param key              the access key the token names, if it exists
     * @param groupPath        the key's group and its ancestors, root first (empty when the key does not exist)
     * @param existingAgent    the organization's agent with the same public key, if one exists (a retry)
     * @param blockedUntil     the end of the attempt's throttle bucket's block, if it is blocked now
     * @param nonceSeen        whether the nonce is already remembered (a replay)
     * @param activeSigningKeyId the id of the active issuer key now (a node caches the key and checks it against this)
     * @param sameMachine      the organization's agents that reported the attempt's machine fingerprint
     */
    public EnrollmentFacts {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(installer, "installer");
        Objects.requireNonNull(key, "key");
        groupPath = List.copyOf(groupPath);
        Objects.requireNonNull(existingAgent, "existingAgent");
        Objects.requireNonNull(blockedUntil, "blockedUntil");
        Objects.requireNonNull(activeSigningKeyId, "activeSigningKeyId");
        sameMachine = List.copyOf(sameMachine);
    }

    /**
     * Facts without agents of the same machine: the constructor before facts carried them.
     *
     * @param organization     the organization, if it exists
     * @param installer        the installer record the token names, if the organization has it
     * @param signingKeyKnown  whether the token's issuer key still exists (active or retired)
     * @param key              the access key the token names, if it exists
     * @param groupPath        the key's group and its ancestors, root first (empty when the key does not exist)
     * @param existingAgent    the organization's agent with the same public key, if one exists (a retry)
     * @param blockedUntil     the end of the attempt's throttle bucket's block, if it is blocked now
     * @param nonceSeen        whether the nonce is already remembered (a replay)
     * @param activeSigningKeyId the id of the active issuer key now
     */
    public EnrollmentFacts(Optional<Organization> organization, Optional<InstallerRecord> installer, boolean signingKeyKnown, Optional<AccessKey> key,
            List<Group> groupPath, Optional<Agent> existingAgent, Optional<Instant> blockedUntil, boolean nonceSeen, Optional<String> activeSigningKeyId) {
        this(organization, installer, signingKeyKnown, key, groupPath, existingAgent, blockedUntil, nonceSeen, activeSigningKeyId, List.of());
    }
}
