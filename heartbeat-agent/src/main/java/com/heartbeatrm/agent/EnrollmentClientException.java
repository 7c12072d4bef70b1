package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.HeartbeatCheckedException;

import com.heartbeatrm.protocol.DenialCode;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An enrollment or renewal that did not succeed, with {@link #kind()} saying why. Nothing was saved. The message
 * names the server and the problem, never a token, credential or key.
 */
public final class EnrollmentClientException extends HeartbeatCheckedException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The server's TLS key matches none of the pins in the installer's token: not the server it names. */
        PIN_MISMATCH,
        /** TLS failed otherwise: an untrusted certificate (without pins), a name mismatch, a handshake failure. */
        TLS_FAILURE,
        /** An endpoint is plain {@code http} and neither loopback nor explicitly allowed, or pins cannot apply to it. */
        INSECURE_ENDPOINT,
        /** The server refused; {@link #denialCode()} says why and {@link #getMessage()} has its words. */
        REFUSED,
        /** The answer breaks the protocol: truncated, tampered, oversized, or not what was asked. */
        MALFORMED_RESPONSE,
        /** The credential in the answer does not verify against the pinned issuer keys, or is not for this agent. */
        BAD_CREDENTIAL,
        /** The server answered that it is unavailable (5xx), on every try. */
        UNAVAILABLE,
        /** No endpoint could be reached in time, on every try. */
        UNREACHABLE,
        /** The identity could not be stored or loaded. */
        IDENTITY_STORE,
        /**
         * The agent key's custody refused or failed ({@link KeyCustodyException} is the cause): the key is not on
         * this token or TPM (a copied state directory), the state names another custody, or the device is unusable.
         * The agent does not enroll again by itself.
         */
        KEY_CUSTODY,
        /**
         * The agent's TPM could not attest its key (the {@link EnrollmentAttestor} failed; {@link KeyCustodyException}
         * is the cause). A server's refusal of an attestation is {@link #REFUSED} with its {@code attestation_*} code.
         */
        ATTESTATION
    }

    /** What went wrong. */
    private final Kind kind;
    /** The server's reason code; null unless the server refused. */
    private final @Nullable DenialCode denialCode;
    /** The wait the server asked for; null when it did not say. */
    private final @Nullable Duration retryAfter;

    EnrollmentClientException(Kind kind, String message) {
        this(kind, null, null, message, null);
    }

    EnrollmentClientException(Kind kind, String message, @Nullable Throwable cause) {
        this(kind, null, null, message, cause);
    }

    EnrollmentClientException(Kind kind, @Nullable DenialCode code, @Nullable Duration retryAfter, String message,
            @Nullable Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.denialCode = code;
        this.retryAfter = retryAfter;
    }

    /** {@return what went wrong, to decide whether to retry, re-enroll or give up} */
    public Kind kind() {
        return kind;
    }

    /**
     * For {@link Kind#REFUSED}: the protocol's reason code.
     *
     * @return the denial code; empty for every kind but {@link Kind#REFUSED} (and a retryable server refusal)
     */
    public Optional<DenialCode> denialCode() {
        return Optional.ofNullable(denialCode);
    }

    /** {@return how long the server asked to wait before the next attempt, when it said} */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
