package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.spi.SigningKeyStore;
import com.heartbeatrm.core.spi.StoredSigningKey;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The issuer signing keys, deployment-wide. */
final class InMemorySigningKeyStore implements SigningKeyStore {
    private final Map<String, StoredSigningKey> keys = new java.util.LinkedHashMap<>();

    @Override
    public synchronized void rotate(StoredSigningKey newKey, Optional<String> expectedActive, Instant at) {
        if (newKey.status() != StoredSigningKey.Status.ACTIVE) {
            throw new InvalidInputException("newKey", "must be ACTIVE");
        }
        Optional<StoredSigningKey> active = active();
        if (!active.map(StoredSigningKey::keyId).equals(expectedActive)) {
            throw new ConflictException("the active signing key changed concurrently");
        }
        if (keys.containsKey(newKey.keyId())) {
            throw new ConflictException("signing key already exists: " + newKey.keyId());
        }
        active.ifPresent(a -> keys.put(a.keyId(), a.retired(at)));
        keys.put(newKey.keyId(), newKey);
    }

    @Override
    public synchronized Optional<StoredSigningKey> find(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    @Override
    public synchronized Optional<StoredSigningKey> active() {
        return keys.values().stream().filter(k -> k.status() == StoredSigningKey.Status.ACTIVE).findFirst();
    }

    @Override
    public synchronized List<StoredSigningKey> list() {
        return keys.values().stream().sorted(Comparator.comparing(StoredSigningKey::createdAt)
                .thenComparing(StoredSigningKey::keyId)).toList();
    }

    @Override
    public synchronized void remove(String keyId) {
        StoredSigningKey k = keys.get(keyId);
        if (k == null) {
            throw new NotFoundException("signing key", keyId);
        }
        if (k.status() == StoredSigningKey.Status.ACTIVE) {
            throw new ConflictException("the active signing key cannot be removed; rotate first");
        }
        keys.remove(keyId);
    }
}
