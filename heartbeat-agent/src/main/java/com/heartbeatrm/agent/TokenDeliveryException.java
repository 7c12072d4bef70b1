package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.HeartbeatCheckedException;
import org.jspecify.annotations.Nullable;

/**
 * A delivered enrollment token (a token file, standard input, the environment, managed preferences, the policy
 * registry) was refused before it could be verified. {@link #reason()} says why; the message names the source and
 * the problem, never the token or any part of what was read.
 */
public final class TokenDeliveryException extends HeartbeatCheckedException {
    private static final long serialVersionUID = 1L;

    /** Why a delivered token was refused. */
    public enum Reason {
        /**
         * The token file is not the agent's own: a link, not a regular file, another user's, or readable or writable
         * by others (the cause is an {@link UnsafeStateException}).
         */
        UNSAFE_FILE,
        /** More bytes than any token takes. */
        TOO_LARGE,
        /** Not one line of printable ASCII of a token's length (the token itself is verified afterwards). */
        NOT_A_TOKEN,
        /** A managed-preferences plist or policy registry listing that cannot be parsed. */
        MALFORMED_SETTINGS,
        /** Reading failed. */
        IO
    }

    /** Why the delivered token was refused. */
    private final Reason reason;

    /**
     * A refusal with no underlying failure.
     *
     * @param reason why
     * @param detail what is wrong, naming the source, never the token
     */
    public TokenDeliveryException(Reason reason, String detail) {
        this(reason, detail, null);
    }

    /**
     * A refusal caused by another failure, usually I/O.
     *
     * @param reason why
     * @param detail what is wrong, naming the source, never the token
     * @param cause  the failure behind it, or null
     */
    // JSpecify is read "requires static": modules compiled without it see no annotation, not an error.
    @SuppressWarnings("exports")
    public TokenDeliveryException(Reason reason, String detail, @Nullable Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    /** {@return why the delivered token was refused} */
    public Reason reason() {
        return reason;
    }
}
