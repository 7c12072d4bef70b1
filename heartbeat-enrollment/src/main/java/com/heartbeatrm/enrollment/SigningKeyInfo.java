package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.core.spi.StoredSigningKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A signing key as the API shows it: its public half and lifecycle, never the private key.
 *
 * @param keyId the id tokens and credentials name in their footer
 * @param status active (signs) or retired (only verifies)
 * @param createdAt when it was created
 * @param retiredAt when a rotation retired it; empty while active
 * @param publicKey the Ed25519 public key
 */
public record SigningKeyInfo(String keyId, StoredSigningKey.Status status, Instant createdAt, Optional<Instant> retiredAt,
        SigningPublicKey publicKey) {
    /**
     * Checks that no component is null.
     *
     * @param keyId the id tokens and credentials name in their footer
     * @param status active (signs) or retired (only verifies)
     * @param createdAt when it was created
     * @param retiredAt when a rotation retired it; empty while active
     * @param publicKey the Ed25519 public key
     */
    public SigningKeyInfo {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(retiredAt, "retiredAt");
        Objects.requireNonNull(publicKey, "publicKey");
    }
}
