package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.HeartbeatCheckedException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A key custody refused or failed: the key is not where the state directory says, or the device cannot be used.
 * A {@link HeartbeatCheckedException}, the agent side's one checked root; {@link AgentIdentityStore#load} and
 * {@link AgentIdentityStore#enrollmentKey} declare it, and {@link EnrollmentClient} reports it as
 * {@link EnrollmentClientException.Kind#KEY_CUSTODY} with this as the cause. Where no checked exception may be
 * thrown (signing through {@link CustodyKey#sign}), it travels inside an {@link Unchecked}. Messages name no PIN and no
 * key material.
 */
public final class KeyCustodyException extends HeartbeatCheckedException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The custody cannot hold a key of that algorithm (a token without P-256, Ed25519 on a TPM). */
        UNSUPPORTED,
        /**
         * The custody at hand does not hold the recorded key: the state directory was copied to another computer or
         * token, or the token or TPM was replaced or cleared. The agent must not enroll again by itself.
         */
        NOT_FOUND,
        /** The state directory records a key held by another kind of custody than the one configured. */
        OTHER_CUSTODY,
        /** The device cannot be used: no library or token, a wrong PIN, an unreadable PIN file, a failed operation. */
        UNAVAILABLE
    }

    /** What went wrong. */
    private final Kind kind;

    /**
     * A refusal of {@code kind} without a cause.
     *
     * @param kind    what went wrong
     * @param message what went wrong, naming no secret (never a PIN or key material)
     */
    public KeyCustodyException(Kind kind, String message) {
        this(kind, message, null);
    }

    /**
     * A refusal of {@code kind} caused by {@code cause}.
     *
     * @param kind    what went wrong
     * @param message what went wrong, naming no secret (never a PIN or key material)
     * @param cause   the provider's or file system's exception; null when there is none worth keeping
     */
    // JSpecify is read "requires static": modules compiled without it see no annotation, not an error.
    @SuppressWarnings("exports")
    public KeyCustodyException(Kind kind, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** {@return what went wrong} */
    public Kind kind() {
        return kind;
    }

    /**
     * A {@link KeyCustodyException} where only an unchecked exception may be thrown: {@link CustodyKey#sign} of a key
     * on a device that cannot sign. {@link #getCause()} is the custody's refusal.
     */
    public static final class Unchecked extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * Wraps {@code cause}.
         *
         * @param cause the custody's refusal
         */
        public Unchecked(KeyCustodyException cause) {
            super(Objects.requireNonNull(cause, "cause").getMessage(), cause);
        }

        /** {@return the custody's refusal} */
        @Override
        public synchronized KeyCustodyException getCause() {
            return (KeyCustodyException) Objects.requireNonNull(super.getCause());
        }
    }
}
