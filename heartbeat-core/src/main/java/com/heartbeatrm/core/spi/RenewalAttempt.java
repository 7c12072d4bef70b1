package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.OrganizationId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

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
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

    public RenewalAttempt {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(agent, "agent");
        if (agentFingerprint == null || !FINGERPRINT.matcher(agentFingerprint).matches()) {
            throw new InvalidInputException("agentFingerprint", "must be 64 lower-case hex characters");
        }
        Objects.requireNonNull(credentialSigningKeyId, "credentialSigningKeyId");
        Nonces.check(nonce);
        Objects.requireNonNull(nonceExpiresAt, "nonceExpiresAt");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(throttleBucket, "throttleBucket");
    }

    public String nonceKey() {
        return agentFingerprint + ":" + nonce;
    }
}
