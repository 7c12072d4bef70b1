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
 * @param credentialSigningKeyId the issuer key that signed the credential the request presents, if it presents one:
 *                               the step reads whether it still exists
 */
public record RenewalAttempt(OrganizationId organization, AgentId agent, String agentFingerprint, Optional<String> credentialSigningKeyId,
        String nonce, Instant nonceExpiresAt, Instant now, Optional<String> throttleBucket) {
    public RenewalAttempt {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(credentialSigningKeyId, "credentialSigningKeyId");
        Nonces.checkAttempt(agentFingerprint, nonce, nonceExpiresAt, now, throttleBucket);
    }

    /** The key a store remembers the nonce under: scoped to the agent key, so agents cannot collide. */
    public String nonceKey() {
        return Nonces.key(agentFingerprint, nonce);
    }
}
