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
     *
     * @param newKey the new key, ACTIVE
     * @param expectedActive the id of the key active now, or empty for the first key
     * @param at the retirement time of the old key
     */
    void rotate(StoredSigningKey newKey, Optional<String> expectedActive, Instant at);

    /**
     * Looks a key up by id, active or retired.
     *
     * @param keyId the key id ({@code hbs_...})
     * @return the key, or empty when unknown or removed
     */
    Optional<StoredSigningKey> find(String keyId);

    /**
     * The key that signs now.
     *
     * @return the active key, or empty before the first rotation
     */
    Optional<StoredSigningKey> active();

    /**
     * All keys, oldest first.
     *
     * @return active and retired keys
     */
    List<StoredSigningKey> list();

    /**
     * Removes a retired key for good: tokens it signed stop verifying. The active key cannot be removed.
     *
     * @param keyId the retired key's id
     * @throws com.heartbeatrm.core.ConflictException when it is the active key
     * @throws com.heartbeatrm.core.NotFoundException when no key has this id
     */
    void remove(String keyId);
}
