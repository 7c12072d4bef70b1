package com.heartbeatrm.protocol;

import java.util.Locale;
import java.util.Optional;

/**
 * Why a server refused a request, as the protocol says it on the wire ({@code "reason"}), with the HTTP status
 * that goes with it. These codes are public and stable: an agent may act on them (back off, ask for a new
 * installer, tell its user). A server knows more precise reasons; it maps each to one of these, coarsely where a
 * detail would help an attacker (anything about a token that did not verify is {@link #INVALID_INSTALLER}).
 */
public enum DenialCode {
    /** The body is not a well-formed request (400). */
    INVALID_REQUEST(400),
    /** The body is larger than {@link EnrollmentProtocol#MAX_BODY_BYTES} (413). */
    REQUEST_TOO_LARGE(413),
    /** The installer's token is not one this server accepts (403). */
    INVALID_INSTALLER(403),
    /** The installer's token, or the installer it names, has expired (403). */
    INSTALLER_EXPIRED(403),
    /** An administrator revoked the installer (403). */
    INSTALLER_REVOKED(403),
    /** A single-use installer (download link) already enrolled another computer (403). */
    INSTALLER_USED(403),
    /** The access key the token names does not exist (403). */
    KEY_NOT_FOUND(403),
    /** The access key the token names is disabled (403). */
    KEY_DISABLED(403),
    /** The access key the token names has expired (403). */
    KEY_EXPIRED(403),
    /** The access key has enrolled as many agents as it may (403). */
    KEY_EXHAUSTED(403),
    /** The agent's address is outside the networks the access key allows (403). */
    NETWORK_NOT_ALLOWED(403),
    /** The agent's platform is not one the installer or key allows (403). */
    PLATFORM_NOT_ALLOWED(403),
    /** The proof of possession or the nonce was refused (403). */
    REJECTED(403),
    /** The agent's clock is too far from the server's (403). */
    CLOCK_SKEW(403),
    /** Too many failed attempts from here; retry after the time the answer gives (429). */
    THROTTLED(429),
    /** The agent a renewal names does not exist, e.g. deleted (403). */
    AGENT_NOT_FOUND(403),
    /** An administrator disabled the agent (403). */
    AGENT_DISABLED(403),
    /** Two copies of this agent's identity renewed: it is locked until an administrator unlocks it (403). */
    AGENT_LOCKED(403),
    /** The agent waited for approval longer than allowed; it must enroll again (403). */
    PENDING_EXPIRED(403),
    /** No such endpoint (404). */
    NOT_FOUND(404),
    /** The endpoint takes only {@code POST} (405). */
    METHOD_NOT_ALLOWED(405),
    /** The server cannot answer now (its database is unreachable); retry later (503). */
    UNAVAILABLE(503),
    /** The server failed (500). */
    INTERNAL_ERROR(500),
    /** The agent's group requires TPM attestation and the enrollment carries none (403). */
    ATTESTATION_REQUIRED(403),
    /**
     * The TPM's endorsement key chains to no manufacturer CA the organization trusts and is not on its allow-list, or
     * the CA was removed since the challenge (403).
     */
    ATTESTATION_UNTRUSTED(403),
    /**
     * The attestation evidence does not parse or does not prove that the agent key lives in that TPM: a credential
     * not activated, an attestation key without the restricted-signing attributes, a key not certified by it, a
     * certified key that is not the request's public key (403).
     */
    ATTESTATION_INVALID(403),
    /** The attestation challenge expired before it was answered; ask for a new one (403). */
    ATTESTATION_STALE(403),
    /** A code this agent does not know, from a newer server. Agents read only; a server never sends it. */
    UNKNOWN(0);

    private final int httpStatus;

    DenialCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** {@return the HTTP status a server answers this refusal with} */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * True when the same request may succeed later from the same agent (throttled, unavailable, server error).
     *
     * @return whether retrying later may succeed
     */
    public boolean isRetryable() {
        return httpStatus == 429 || httpStatus >= 500;
    }

    /** {@return the wire form: lower case with underscores, e.g. {@code key_disabled}} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The code for a wire name; {@link #UNKNOWN} for a name this agent does not know.
     *
     * @param wireName the {@code reason} member of an answer
     * @return the code; {@code UNKNOWN} when it names none
     */
    public static DenialCode fromWire(String wireName) {
        return parse(wireName).orElse(UNKNOWN);
    }

    /**
     * The code for a wire name, if it is one (never {@link #UNKNOWN}).
     *
     * @param wireName the wire name, e.g. {@code key_disabled}; null or malformed gives empty
     * @return the code; empty when it names none
     */
    public static Optional<DenialCode> parse(String wireName) {
        if (wireName == null || !wireName.matches("[a-z_]{1,40}")) {
            return Optional.empty();
        }
        for (DenialCode c : values()) {
            if (c != UNKNOWN && c.wireName().equals(wireName)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
