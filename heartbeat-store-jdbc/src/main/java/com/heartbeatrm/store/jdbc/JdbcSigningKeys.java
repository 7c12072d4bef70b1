package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.spi.SigningKeyStore;
import com.heartbeatrm.core.spi.StoredSigningKey;
import com.heartbeatrm.store.jdbc.internal.Rows;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Issuer keys. A rotation locks the single row of {@code hb_signing_lock}, so nodes rotate one at a time. */
final class JdbcSigningKeys implements SigningKeyStore {
    private final Sql sql;

    JdbcSigningKeys(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void rotate(StoredSigningKey newKey, Optional<String> expectedActive, Instant at) {
        if (newKey.status() != StoredSigningKey.Status.ACTIVE) {
            throw new InvalidInputException("newKey", "must be ACTIVE");
        }
        sql.inTransactionChange(c -> {
            if (!JdbcOrganizations.exists(c, "SELECT id FROM hb_signing_lock WHERE id = 1 FOR UPDATE")) {
                throw new IllegalStateException("hb_signing_lock has no row; was the schema applied?");
            }
            Optional<String> active = Sql.list(c, Rows::signingKey, "SELECT * FROM hb_signing_key WHERE status = 'ACTIVE'").stream()
                    .map(StoredSigningKey::keyId).findFirst();
            if (!active.equals(expectedActive)) {
                throw new ConflictException("the active signing key changed concurrently");
            }
            if (active.isPresent()) {
                Sql.update(c, "UPDATE hb_signing_key SET status = 'RETIRED', retired_at = ? WHERE id = ?", at, active.get());
            }
            Sql.update(c, () -> new ConflictException("signing key already exists: " + newKey.keyId()), null,
                    "INSERT INTO hb_signing_key (id, public_key, wrapped_private_key, kek_id, status, created_at, retired_at)"
                    + " VALUES (?, ?, ?, ?, 'ACTIVE', ?, NULL)", newKey.keyId(), newKey.publicKey(), newKey.wrappedPrivateKey(),
                    newKey.keyEncryptionKeyId(), newKey.createdAt());
        });
    }

    @Override
    public Optional<StoredSigningKey> find(String keyId) {
        return sql.read(c -> Sql.list(c, Rows::signingKey, "SELECT * FROM hb_signing_key WHERE id = ?", keyId).stream().findFirst());
    }

    @Override
    public Optional<StoredSigningKey> active() {
        return sql.read(c -> Sql.list(c, Rows::signingKey, "SELECT * FROM hb_signing_key WHERE status = 'ACTIVE'").stream().findFirst());
    }

    @Override
    public List<StoredSigningKey> list() {
        return sql.read(c -> Sql.list(c, Rows::signingKey, "SELECT * FROM hb_signing_key ORDER BY created_at, id"));
    }

    @Override
    public void remove(String keyId) {
        sql.inTransactionChange(c -> {
            StoredSigningKey k = Sql.list(c, Rows::signingKey, "SELECT * FROM hb_signing_key WHERE id = ? FOR UPDATE", keyId).stream().findFirst()
                    .orElseThrow(() -> new NotFoundException("signing key", keyId));
            if (k.status() == StoredSigningKey.Status.ACTIVE) {
                throw new ConflictException("the active signing key cannot be removed; rotate first");
            }
            Sql.update(c, "DELETE FROM hb_signing_key WHERE id = ?", keyId);
        });
    }
}
