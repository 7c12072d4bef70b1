package com.heartbeatrm.protocol;

/**
 * An enrollment token was refused. {@link #reason()} is precise (for logs and audit); the message names the
 * problem but never echoes the token or any key material.
 */
public final class TokenException extends HeartbeatCheckedException {
    private static final long serialVersionUID = 1L;

    /** Why a token was refused. */
    public enum Reason {
        /** Not a token of this shape at all: missing parts, bad characters, short signature, unparseable JSON. */
        MALFORMED,
        /** Not {@code v4.public}: another PASETO version or purpose, or a token for a different use. */
        WRONG_VERSION_OR_PURPOSE,
        /** Base64url with padding, {@code +} or {@code /}, or non-zero trailing bits. */
        NON_CANONICAL_ENCODING,
        /** Longer than the 16 KiB cap. */
        OVERSIZED,
        /** The footer names a signing key that is not pinned (or was removed). */
        UNKNOWN_SIGNING_KEY,
        /** The signature does not verify: the token was changed or signed by another key. */
        BAD_SIGNATURE,
        /** Past its expiry ({@code exp}), beyond the allowed clock skew. */
        EXPIRED,
        /** Issued in the future beyond the allowed clock skew. */
        NOT_YET_VALID,
        /** A JSON object in the payload or footer repeats a member name. */
        DUPLICATE_JSON_KEY,
        /** A claim is missing, unknown, of the wrong type or out of range. */
        INVALID_CLAIMS,
        /** The claims name a format version ({@code ver}) this code does not know: an older or newer token. */
        UNSUPPORTED_VERSION
    }

    /** Why the token was refused. */
    private final Reason reason;

    /**
     * A refusal; the message is the reason, then the detail.
     *
     * @param reason why
     * @param detail what is wrong, never the token or key material
     */
    public TokenException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    /** {@return why the token was refused} */
    public Reason reason() {
        return reason;
    }
}
