package com.heartbeatrm.core.spi;

/**
 * What an enrollment and a renewal attempt have in common: a nonce scoped to the agent key that signed the
 * request, which the store remembers so that the request cannot be replayed.
 */
public sealed interface NoncedAttempt permits EnrollmentAttempt, RenewalAttempt {
    /**
     * The key that signed the request.
     *
     * @return SHA-256 of the agent's public key, 64 lower-case hex characters
     */
    String agentFingerprint();

    /**
     * The request's nonce.
     *
     * @return the nonce, as the request sent it
     */
    String nonce();

    /**
     * The key a store remembers the nonce under: scoped to the agent key, so agents cannot collide.
     *
     * @return the fingerprint and the nonce, joined
     */
    default String nonceKey() {
        return Nonces.key(agentFingerprint(), nonce());
    }
}
