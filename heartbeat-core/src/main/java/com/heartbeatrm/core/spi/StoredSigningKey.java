package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.InvalidInputException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An issuer signing key as a store keeps it: the public key in the clear and the private key only as
 * ciphertext under the host's key-encryption key, or, for a key on a PKCS#11 token, only the key's label there.
 * Neither is secret in this form.
 *
 * @param keyId the key id, {@code hbs_} and 22 base64url characters
 * @param publicKey           the raw public key, base64url: 32 bytes (Ed25519) or a 65-byte uncompressed P-256 point
 * @param wrappedPrivateKey   the private key encrypted by the key-encryption key, base64url; for a key on a token,
 *                            the key's label on the token
 * @param keyEncryptionKeyId  which key-encryption key wrapped it (for KEK rotation); for a key on a token, the
 *                            token reference ({@code pkcs11-token})
 * @param status whether it signs or only verifies
 * @param createdAt when it was created
 * @param retiredAt when it was retired; present exactly when {@code status} is RETIRED
 */
public record StoredSigningKey(String keyId, String publicKey, String wrappedPrivateKey, String keyEncryptionKeyId,
        Status status, Instant createdAt, Optional<Instant> retiredAt) {
    private static final Pattern KID = Pattern.compile("hbs_[A-Za-z0-9_-]{22}");
    private static final Pattern B64 = Pattern.compile("[A-Za-z0-9_-]{1,4096}");
    private static final Pattern KEK_ID = Pattern.compile("[A-Za-z0-9_.:/-]{1,200}");

    /** Exactly one key is ACTIVE (signs); RETIRED keys still verify until removed. */
    public enum Status {
        /** The key that signs new tokens and credentials. */
        ACTIVE,
        /** Replaced by a newer key: verifies what it signed until removed. */
        RETIRED
    }

    /**
     * Validates every component's shape.
     *
     * @param keyId the key id, {@code hbs_} and 22 base64url characters
     * @param publicKey           the raw Ed25519 public key, base64url
     * @param wrappedPrivateKey   the private key encrypted by the key-encryption key, base64url
     * @param keyEncryptionKeyId  which key-encryption key wrapped it (for KEK rotation)
     * @param status whether it signs or only verifies
     * @param createdAt when it was created
     * @param retiredAt when it was retired; present exactly when {@code status} is RETIRED
     * @throws InvalidInputException when a component is malformed or {@code retiredAt} does not match the status
     */
    public StoredSigningKey {
        if (keyId == null || !KID.matcher(keyId).matches()) {
            throw new InvalidInputException("keyId", "malformed signing key id");
        }
        if (publicKey == null || (publicKey.length() != 43 && publicKey.length() != 87) || !B64.matcher(publicKey).matches()) {
            throw new InvalidInputException("publicKey", "must be 32 or 65 bytes in base64url");
        }
        if (wrappedPrivateKey == null || !B64.matcher(wrappedPrivateKey).matches()) {
            throw new InvalidInputException("wrappedPrivateKey", "must be base64url");
        }
        if (keyEncryptionKeyId == null || !KEK_ID.matcher(keyEncryptionKeyId).matches()) {
            throw new InvalidInputException("keyEncryptionKeyId", "malformed");
        }
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(retiredAt, "retiredAt");
        if ((status == Status.RETIRED) != retiredAt.isPresent()) {
            throw new InvalidInputException("retiredAt", "present exactly when the key is retired");
        }
    }

    /**
     * The key retired at {@code at}.
     *
     * @param at the retirement time
     * @return a RETIRED copy
     */
    public StoredSigningKey retired(Instant at) {
        return new StoredSigningKey(keyId, publicKey, wrappedPrivateKey, keyEncryptionKeyId, Status.RETIRED, createdAt, Optional.of(at));
    }

    @Override
    public String toString() {
        return "StoredSigningKey[" + keyId + ", " + status + "]";
    }
}
