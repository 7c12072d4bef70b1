package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.OrganizationId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One renewal (or pending poll), as {@link AgentStore#renew} sees it: the agent it names and its verified
 * request's nonce. The store locks the agent, reads the {@link RenewalFacts}, lets the caller's
 * {@link RenewalJudge} decide and stores the decision, in one atomic step.
 *
 * @param organization the organization the agent belongs to
 * @param agent the agent the request names
 * @param agentFingerprint SHA-256 of the key that signed the request, 64 lower-case hex characters
 * @param credentialSigningKeyId the issuer key that signed the credential the request presents, if it presents one:
 *                               the step reads whether it still exists
 * @param nonce the request's nonce, remembered once accepted
 * @param nonceExpiresAt how long the nonce must be remembered
 * @param now the instant the request is judged at
 * @param throttleBucket the throttle bucket whose block the step reads, if any
 */
public record RenewalAttempt(OrganizationId organization, AgentId agent, String agentFingerprint, Optional<String> credentialSigningKeyId,
        String nonce, Instant nonceExpiresAt, Instant now, Optional<String> throttleBucket) implements NoncedAttempt {
    /**
     * Validates the nonce, the fingerprint and the bucket name.
     *
     * @param organization the organization the agent belongs to
     * @param agent the agent the request names
     * @param agentFingerprint SHA-256 of the key that signed the request, 64 lower-case hex characters
     * @param credentialSigningKeyId the issuer key that signed the credential the request presents, if it presents one:
     *                               the step reads whether it still exists
     * @param nonce the request's nonce, remembered once accepted
     * @param nonceExpiresAt how long the nonce must be remembered
     * @param now the instant the request is judged at
     * @param throttleBucket the throttle bucket whose block the step reads, if any
     * @throws com.heartbeatrm.core.InvalidInputException when one is malformed
     */
    public RenewalAttempt {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(credentialSigningKeyId, "credentialSigningKeyId");
        Nonces.checkAttempt(agentFingerprint, nonce, nonceExpiresAt, now, throttleBucket);
    }
}
