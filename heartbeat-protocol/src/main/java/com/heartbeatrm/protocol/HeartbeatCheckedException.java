package com.heartbeatrm.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The one checked root of the agent side, as Tink's {@code GeneralSecurityException} is of its primitives: every
 * checked exception the protocol, agent and installer modules throw on purpose derives from it ({@link TokenException},
 * {@link RequestException}, the agent's {@code EnrollmentClientException}, {@code TokenDeliveryException},
 * {@code KeyCustodyException} and {@code UnsafeStateException}, the TPM module's {@code TpmException} and
 * {@code AttestationRefusedException}, the installer's {@code InstallerException}), so an agent can catch the SDK's failures in one clause and the subtype it
 * can act on where it can. The server side's root is the unchecked {@code HeartbeatException}. Messages name ids and
 * fields, never secrets.
 */
public abstract class HeartbeatCheckedException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * With a message that names what is wrong.
     *
     * @param message what is wrong, never a secret
     */
    protected HeartbeatCheckedException(String message) {
        super(message);
    }

    /**
     * With a message and the failure that caused it.
     *
     * @param message what is wrong, never a secret
     * @param cause   the failure behind it, or null
     */
    // JSpecify is read "requires static": modules compiled without it see no annotation, not an error.
    @SuppressWarnings("exports")
    protected HeartbeatCheckedException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }

    /**
     * With a message, a cause, and whether suppression and a stack trace are kept (off for cheap parse failures).
     *
     * @param message            what is wrong, never a secret
     * @param cause              the failure behind it, or null
     * @param enableSuppression  whether suppressed exceptions are kept
     * @param writableStackTrace whether a stack trace is filled in
     */
    // JSpecify is read "requires static": modules compiled without it see no annotation, not an error.
    @SuppressWarnings("exports")
    protected HeartbeatCheckedException(String message, @Nullable Throwable cause, boolean enableSuppression, boolean writableStackTrace) {
        super(message, cause, enableSuppression, writableStackTrace);
    }

    /**
     * What is wrong, naming ids and fields but never a secret or the input. Never null: every constructor takes
     * a message.
     */
    @Override
    public String getMessage() {
        return String.valueOf(super.getMessage());
    }
}
