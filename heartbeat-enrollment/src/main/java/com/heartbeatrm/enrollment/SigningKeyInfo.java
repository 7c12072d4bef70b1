package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.core.spi.StoredSigningKey;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** A signing key as the API shows it: its public half and lifecycle, never the private key. */
public record SigningKeyInfo(String keyId, StoredSigningKey.Status status, Instant createdAt, Optional<Instant> retiredAt,
        SigningPublicKey publicKey) {
    public SigningKeyInfo {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(retiredAt, "retiredAt");
        Objects.requireNonNull(publicKey, "publicKey");
    }
}
