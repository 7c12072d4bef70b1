package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.Organization;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a renewal decision needs from the store, read with the agent locked.
 *
 * @param organization     the organization, if it exists
 * @param agent            the agent, if it exists
 * @param groupPath        its group and the group's ancestors, root first (empty when the agent does not exist)
 * @param lastRenewalNonce the nonce of the renewal that issued the agent's current credential generation, if any:
 *                         a request with the same nonce is a retry of that renewal, not a clone
 * @param credentialSigningKeyKnown whether the issuer key of the presented credential still exists (false without one)
 * @param blockedUntil     the end of the attempt's throttle bucket's block, if it is blocked now
 * @param nonceSeen        whether the nonce is already remembered
 * @param activeSigningKeyId the id of the active issuer key now (a node caches the key and checks it against this)
 */
public record RenewalFacts(Optional<Organization> organization, Optional<Agent> agent, List<Group> groupPath, Optional<String> lastRenewalNonce, boolean credentialSigningKeyKnown,
        Optional<Instant> blockedUntil, boolean nonceSeen, Optional<String> activeSigningKeyId) {
    /**
     * Copies the group path and checks that nothing is null.
     *
     * @param organization     the organization, if it exists
     * @param agent            the agent, if it exists
     * @param groupPath        its group and the group's ancestors, root first (empty when the agent does not exist)
     * @param lastRenewalNonce the nonce of the renewal that issued the agent's current credential generation, if any:
     *                         a request with the same nonce is a retry of that renewal, not a clone
     * @param credentialSigningKeyKnown whether the issuer key of the presented credential still exists (false without one)
     * @param blockedUntil     the end of the attempt's throttle bucket's block, if it is blocked now
     * @param nonceSeen        whether the nonce is already remembered
     * @param activeSigningKeyId the id of the active issuer key now (a node caches the key and checks it against this)
     */
    public RenewalFacts {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(agent, "agent");
        groupPath = List.copyOf(groupPath);
        Objects.requireNonNull(lastRenewalNonce, "lastRenewalNonce");
        Objects.requireNonNull(blockedUntil, "blockedUntil");
        Objects.requireNonNull(activeSigningKeyId, "activeSigningKeyId");
    }
}
