package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.InstallerRecord;
import java.util.Objects;
import java.util.Optional;

/** What {@link Installers#check} found about a token. */
public sealed interface TokenCheck permits TokenCheck.Valid, TokenCheck.Denied {

    /**
     * The token verifies, is recorded and not revoked, and its key is usable now.
     *
     * @param token the verified token, with its claims
     * @param key the access key it enrolls with, as stored now
     * @param installer the installer's record
     */
    record Valid(VerifiedEnrollmentToken token, AccessKey key, InstallerRecord installer) implements TokenCheck {
        /**
         * Checks that no component is null.
         *
         * @param token the verified token, with its claims
         * @param key the access key it enrolls with, as stored now
         * @param installer the installer's record
         */
        public Valid {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(installer, "installer");
        }
    }

    /**
     * Denied. {@code detail} is for logs and audit: it names ids, never token text or keys. {@code claims} are there
     * when the token's signature verified: they name the installer, key and organization, and can be trusted. They
     * hold no secret.
     *
     * @param reason the reason an enrollment with this token would be denied for
     * @param detail for logs and audit; ids only
     * @param claims the verified claims; empty when the signature did not verify
     */
    record Denied(DenialReason reason, String detail, Optional<EnrollmentClaims> claims) implements TokenCheck {
        /**
         * Checks that no component is null.
         *
         * @param reason the reason an enrollment with this token would be denied for
         * @param detail for logs and audit; ids only
         * @param claims the verified claims; empty when the signature did not verify
         */
        public Denied {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(claims, "claims");
        }
    }
}
