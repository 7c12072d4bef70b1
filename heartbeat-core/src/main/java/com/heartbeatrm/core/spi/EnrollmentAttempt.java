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
 * @param nonceScope      what the nonce is scoped to instead of the agent key, when present: 64 lower-case hex digits
 *                        (a TPM-attested enrollment scopes its challenge's nonce to the TPM's endorsement key, so one
 *                        challenge admits one enrollment whichever key it certifies)
 * @param machineFingerprint the machine identifier the agent reported, if any: the store reads the organization's
 *                        agents with it into {@link EnrollmentFacts#sameMachine()}; the new agent the judge admits
 *                        carries it (the pipeline puts what the agent reported there), and the store keeps that agent
 *                        as given
 */
public record EnrollmentAttempt(OrganizationId organization, InstallerId installer, AccessKeyId key, String signingKeyId,
        String agentFingerprint, String nonce, Instant nonceExpiresAt, Instant now, Optional<String> throttleBucket,
        Optional<String> nonceScope, Optional<String> machineFingerprint) implements NoncedAttempt {
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
     * @param nonceScope      what the nonce is scoped to instead of the agent key: 64 lower-case hex digits, when present
     * @param machineFingerprint the machine identifier the agent reported, if any
     * @throws com.heartbeatrm.core.InvalidInputException when the nonce, fingerprint or scope is malformed
     */
    public EnrollmentAttempt {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(installer, "installer");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(signingKeyId, "signingKeyId");
        Nonces.checkAttempt(agentFingerprint, nonce, nonceExpiresAt, now, throttleBucket);
        Objects.requireNonNull(nonceScope, "nonceScope");
        nonceScope.ifPresent(s -> Nonces.checkAttempt(s, nonce, nonceExpiresAt, now, throttleBucket));
        Objects.requireNonNull(machineFingerprint, "machineFingerprint");
    }

    /**
     * An attempt without a machine identifier: the constructor before attempts carried one.
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
     * @param nonceScope      what the nonce is scoped to instead of the agent key: 64 lower-case hex digits, when present
     * @throws com.heartbeatrm.core.InvalidInputException when the nonce, fingerprint or scope is malformed
     */
    public EnrollmentAttempt(OrganizationId organization, InstallerId installer, AccessKeyId key, String signingKeyId,
            String agentFingerprint, String nonce, Instant nonceExpiresAt, Instant now, Optional<String> throttleBucket,
            Optional<String> nonceScope) {
        this(organization, installer, key, signingKeyId, agentFingerprint, nonce, nonceExpiresAt, now, throttleBucket, nonceScope, Optional.empty());
    }

    /**
     * An attempt whose nonce is scoped to the agent key: the constructor before attempts had a nonce scope.
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
    public EnrollmentAttempt(OrganizationId organization, InstallerId installer, AccessKeyId key, String signingKeyId,
            String agentFingerprint, String nonce, Instant nonceExpiresAt, Instant now, Optional<String> throttleBucket) {
        this(organization, installer, key, signingKeyId, agentFingerprint, nonce, nonceExpiresAt, now, throttleBucket, Optional.empty());
    }

    /**
     * The key a store remembers the nonce under: scoped to the agent key (or to {@link #nonceScope()}), so agents
     * cannot collide.
     *
     * @return the fingerprint and the nonce, joined
     */
    @Override
    public String nonceKey() {
        return Nonces.key(nonceScope.orElse(agentFingerprint), nonce);
    }
}
