package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.OrganizationId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One enrollment, as {@link AgentStore#enroll} sees it: what the request's verified token and proof name. The store
 * reads the {@link EnrollmentFacts} these point at, lets the caller's {@link EnrollmentJudge} decide, and stores
 * the decision, all in one atomic step.
 *
 * @param organization the organization the token names
 * @param installer the installer (token id) the token names
 * @param key the access key the token names
 * @param signingKeyId    the issuer key that signed the token; it must still exist at commit
 * @param agentFingerprint SHA-256 of the agent's public key (hex): an agent with it already is a retry
 * @param nonce           the request's nonce, scoped to the agent key; remembered until {@code nonceExpiresAt}
 * @param nonceExpiresAt how long the nonce must be remembered
 * @param now the instant the request is judged at
 * @param throttleBucket  a throttle bucket whose block the judge must see (e.g. this key from this address)
 */
public record EnrollmentAttempt(OrganizationId organization, InstallerId installer, AccessKeyId key, String signingKeyId,
        String agentFingerprint, String nonce, Instant nonceExpiresAt, Instant now, Optional<String> throttleBucket)
        implements NoncedAttempt {
    /**
     * Validates the nonce, the fingerprint and that nothing is null.
     *
     * @param organization the organization the token names
     * @param installer the installer (token id) the token names
     * @param key the access key the token names
     * @param signingKeyId    the issuer key that signed the token; it must still exist at commit
     * @param agentFingerprint SHA-256 of the agent's public key (hex): an agent with it already is a retry
     * @param nonce           the request's nonce, scoped to the agent key; remembered until {@code nonceExpiresAt}
     * @param nonceExpiresAt how long the nonce must be remembered
     * @param now the instant the request is judged at
     * @param throttleBucket  a throttle bucket whose block the judge must see (e.g. this key from this address)
     * @throws com.heartbeatrm.core.InvalidInputException when the nonce or fingerprint is malformed
     */
    public EnrollmentAttempt {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(installer, "installer");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(signingKeyId, "signingKeyId");
        Nonces.checkAttempt(agentFingerprint, nonce, nonceExpiresAt, now, throttleBucket);
    }
}
