package com.heartbeatrm.enrollment;

import com.heartbeatrm.agent.VerifiedEnrollmentToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.InstallerRecord;
import java.util.Objects;

/** The outcome of a server-side token check. */
public sealed interface TokenCheck permits TokenCheck.Valid, TokenCheck.Refused {

    /** The token verifies, is recorded and not revoked, and its key is usable now. */
    record Valid(VerifiedEnrollmentToken token, AccessKey key, InstallerRecord installer) implements TokenCheck {
        public Valid {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(installer, "installer");
        }
    }

    /**
     * Refused. {@code detail} is for logs and audit: it names ids, never token text or keys. The installer, key
     * and organization ids are filled in only when the token's signature verified, so they can be trusted.
     */
    record Refused(TokenRefusal reason, String detail, java.util.Optional<String> installerId, java.util.Optional<String> keyId,
            java.util.Optional<String> organizationId) implements TokenCheck {
        public Refused {
            Objects.requireNonNull(organizationId, "organizationId");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(installerId, "installerId");
            Objects.requireNonNull(keyId, "keyId");
        }
    }
}
