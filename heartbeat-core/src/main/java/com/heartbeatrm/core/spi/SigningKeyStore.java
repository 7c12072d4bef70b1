package com.heartbeatrm.core.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Issuer signing keys. They belong to the deployment, not to an organization: agent builds pin them.
 */
public interface SigningKeyStore {
    /**
     * Adds {@code newKey} as the active key and, in the same atomic step, retires the key that was active.
     * {@code expectedActive} names that key; it must be empty when no key is active yet. When the active key is
     * not the expected one (another node rotated first), nothing changes and
     * {@link com.heartbeatrm.core.ConflictException} is thrown.
     */
    void rotate(StoredSigningKey newKey, Optional<String> expectedActive, Instant at);

    Optional<StoredSigningKey> find(String keyId);

    Optional<StoredSigningKey> active();

    /** All keys, oldest first. */
    List<StoredSigningKey> list();

    /** Removes a retired key for good: tokens it signed stop verifying. The active key cannot be removed. */
    void remove(String keyId);
}
