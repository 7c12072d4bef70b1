package com.heartbeatrm.enrollment;

/** Why the server refused an enrollment token. Precise, for audit; the agent-facing message is coarser. */
public enum TokenRefusal {
    MALFORMED,
    WRONG_VERSION_OR_PURPOSE,
    NON_CANONICAL_ENCODING,
    OVERSIZED,
    UNKNOWN_SIGNING_KEY,
    BAD_SIGNATURE,
    TOKEN_EXPIRED,
    NOT_YET_VALID,
    DUPLICATE_JSON_KEY,
    INVALID_CLAIMS,
    /** Signed by this deployment's key but naming another issuer. */
    WRONG_ISSUER,
    /** Verifies, but this deployment has no record of issuing it. */
    TOKEN_UNKNOWN,
    TOKEN_REVOKED,
    KEY_NOT_FOUND,
    KEY_DISABLED,
    KEY_EXPIRED,
    KEY_EXHAUSTED
}
