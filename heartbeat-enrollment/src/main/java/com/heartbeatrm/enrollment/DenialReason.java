package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.RequestException;
import com.heartbeatrm.protocol.TokenException;

/**
 * Why the server refused an enrollment or a renewal: the one refusal vocabulary of the server side, precise, for the
 * audit log and support staff. Every reason the agent-side parsers give ({@link RequestException.Problem},
 * {@link TokenException.Reason}) has its own reason here ({@link #of(RequestException.Problem)},
 * {@link #of(TokenException.Reason)}), so nothing is lost on the way.
 *
 * <p>{@link #publicCode()} and {@link #publicMessage()} are what the agent is told: specific where it helps a user
 * ("this installer's access key was disabled"), coarse where a detail would help an attacker (everything about a
 * token that did not verify is {@link DenialCode#INVALID_INSTALLER}).
 */
public enum DenialReason {
    // The request body.
    /** The body is larger than the parser's bound; it was not read to its end. */
    REQUEST_OVERSIZED(DenialCode.REQUEST_TOO_LARGE, "the request is too large"),
    /** The body is not one JSON object in UTF-8. */
    REQUEST_NOT_JSON(DenialCode.INVALID_REQUEST, "the request is invalid"),
    /** The body names a field twice; a strict parser never picks one of them. */
    REQUEST_DUPLICATE_FIELD(DenialCode.INVALID_REQUEST, "the request is invalid"),
    /** The body has a field this protocol version does not define. */
    REQUEST_UNKNOWN_FIELD(DenialCode.INVALID_REQUEST, "the request is invalid"),
    /** The body lacks a field the request needs. */
    REQUEST_MISSING_FIELD(DenialCode.INVALID_REQUEST, "the request is invalid"),
    /** A field has the wrong JSON type (a number where text belongs, say). */
    REQUEST_WRONG_TYPE(DenialCode.INVALID_REQUEST, "the request is invalid"),
    /** A field has the right type but a value out of its bounds or format. */
    REQUEST_INVALID_VALUE(DenialCode.INVALID_REQUEST, "the request is invalid"),
    /** The agent speaks a protocol version this server does not; the agent is told so plainly. */
    REQUEST_UNSUPPORTED_VERSION(DenialCode.INVALID_REQUEST, "this agent speaks a protocol version the server does not"),
    // The token, before and during verification.
    /** The token is not a well-formed signed token (its parts, their encoding). */
    TOKEN_MALFORMED(DenialCode.INVALID_INSTALLER, "this installer is invalid"),
    /** The token's header names another version or purpose than the one fixed for installer tokens. */
    TOKEN_WRONG_VERSION_OR_PURPOSE(DenialCode.INVALID_INSTALLER, "this installer is invalid"),
    /** The token's base64url is not in its one canonical form. */
    TOKEN_NON_CANONICAL_ENCODING(DenialCode.INVALID_INSTALLER, "this installer is invalid"),
    /** The token is longer than its bound; it was not verified. */
    TOKEN_OVERSIZED(DenialCode.INVALID_INSTALLER, "this installer is invalid"),
    /** The token's claims name a key twice. */
    TOKEN_DUPLICATE_JSON_KEY(DenialCode.INVALID_INSTALLER, "this installer is invalid"),
    /** The token's claims are missing one it needs or hold one out of bounds. */
    TOKEN_INVALID_CLAIMS(DenialCode.INVALID_INSTALLER, "this installer is invalid"),
    /** The token's claims carry a version this server does not read. */
    TOKEN_UNSUPPORTED_VERSION(DenialCode.INVALID_INSTALLER, "this installer is invalid"),
    /** The footer names an issuer key this deployment does not have (never had, or removed). */
    UNKNOWN_SIGNING_KEY(DenialCode.INVALID_INSTALLER, "this installer is invalid"),
    /** The signature does not verify with the key the footer names. */
    BAD_SIGNATURE(DenialCode.INVALID_INSTALLER, "this installer is invalid"),
    /** Signed by this deployment's key but naming another issuer. */
    WRONG_ISSUER(DenialCode.INVALID_INSTALLER, "this installer is invalid"),
    /** Issued in the future beyond the allowed clock skew. */
    TOKEN_NOT_YET_VALID(DenialCode.INVALID_INSTALLER, "this installer is invalid"),
    /** The token verifies but its expiry has passed; the user is told so, to ask for a new installer. */
    TOKEN_EXPIRED(DenialCode.INSTALLER_EXPIRED, "this installer has expired"),
    // The token against the store.
    /** Verifies, but this deployment has no record of issuing it (or the record names another key). */
    TOKEN_UNKNOWN(DenialCode.INVALID_INSTALLER, "this installer is invalid"),
    /** The installer was revoked by an administrator; the access key and other installers may still work. */
    TOKEN_REVOKED(DenialCode.INSTALLER_REVOKED, "this installer was revoked"),
    /** A single-use installer (or one with another use limit) that other computers used up; a retry of its own computer passes. */
    INSTALLER_USED(DenialCode.INSTALLER_USED, "this installer was for one computer and has been used; ask for a new one"),
    /** The installer's access key was deleted. */
    KEY_NOT_FOUND(DenialCode.KEY_NOT_FOUND, "this installer's access key no longer exists"),
    /** The installer's access key was disabled by an administrator. */
    KEY_DISABLED(DenialCode.KEY_DISABLED, "this installer's access key was disabled"),
    /** The installer's access key is past its expiry. */
    KEY_EXPIRED(DenialCode.KEY_EXPIRED, "this installer's access key has expired"),
    /** The installer's access key reached its maximum number of enrollments. */
    KEY_EXHAUSTED(DenialCode.KEY_EXHAUSTED, "this installer's access key has reached its maximum number of uses"),
    /** The key kept being re-pointed while the enrollment committed; the agent may simply try again. */
    KEY_CHANGED(DenialCode.UNAVAILABLE, "the server is busy; try again"),
    // The request against the key and its group.
    /** The request's address lies outside the networks the key or its group allows. */
    NETWORK_NOT_ALLOWED(DenialCode.NETWORK_NOT_ALLOWED, "enrollment is not allowed from this network"),
    /** The agent's platform is not one the key, its group or the token allows. */
    PLATFORM_NOT_ALLOWED(DenialCode.PLATFORM_NOT_ALLOWED, "enrollment is not allowed for this platform"),
    // Proof of possession, clock, replay, throttling: shared by enrollment and renewal.
    /** The request's signature does not prove possession of the agent key it presents. */
    BAD_PROOF(DenialCode.REJECTED, "the request was rejected"),
    /** The request's timestamp is further from the server's clock than the allowed skew. */
    CLOCK_SKEW(DenialCode.CLOCK_SKEW, "this computer's clock is too far off; correct it and try again"),
    /** The request's nonce was seen before: a replayed request. */
    REPLAYED(DenialCode.REJECTED, "the request was rejected"),
    /** Too many failures from this address (or against this key from it): blocked for a while; the answer says until when. */
    THROTTLED(DenialCode.THROTTLED, "too many failed attempts; try again later"),
    // Renewal.
    /** The renewal names an agent this deployment does not have (deleted, or never enrolled). */
    AGENT_NOT_FOUND(DenialCode.AGENT_NOT_FOUND, "this agent is not enrolled; reinstall it"),
    /** The credential the renewal presents does not verify, or is not this agent's. */
    CREDENTIAL_INVALID(DenialCode.REJECTED, "the request was rejected"),
    /** A credential presented to the host past its expiry ({@link AgentCredentials#check}). */
    CREDENTIAL_EXPIRED(DenialCode.REJECTED, "the credential has expired; renew it"),
    /** A credential of an older generation than the agent's current one ({@link AgentCredentials#check}). */
    CREDENTIAL_SUPERSEDED(DenialCode.REJECTED, "the credential was replaced by a newer one"),
    /** The agent was disabled by an administrator (or its approval expired). */
    AGENT_DISABLED(DenialCode.AGENT_DISABLED, "this agent was disabled by an administrator"),
    /** This renewal proved an older credential generation than the agent's: it locked the agent. */
    CLONE_DETECTED(DenialCode.AGENT_LOCKED,
            "this agent's identity is in use on another computer (a clone); it is locked until an administrator unlocks it"),
    /** The agent was locked earlier (a clone) and is still locked. */
    AGENT_LOCKED(DenialCode.AGENT_LOCKED,
            "this agent's identity was found on two computers (a clone); it is locked until an administrator unlocks it"),
    /** The agent waited for approval longer than the policy's pending time; the renewal disabled it. */
    PENDING_EXPIRED(DenialCode.PENDING_EXPIRED, "this agent's enrollment was not approved in time; reinstall it"),
    // TPM 2.0 attestation.
    /** The agent's group requires TPM attestation and the enrollment carries none. */
    ATTESTATION_REQUIRED(DenialCode.ATTESTATION_REQUIRED, "this group admits only agents whose key is in a trusted TPM"),
    /**
     * The TPM's endorsement key chains to no manufacturer CA the organization trusts and is not allow-listed, or the
     * CA or allow-listed key was removed since the challenge.
     */
    ATTESTATION_UNTRUSTED(DenialCode.ATTESTATION_UNTRUSTED, "this computer's TPM is not one the organization trusts"),
    /**
     * The attestation does not prove the key is in that TPM: evidence that does not parse, an attestation key without
     * the restricted-signing attributes, a key not certified by it, a certified key that is not the request's key, a
     * challenge this deployment did not issue for this installer.
     */
    ATTESTATION_INVALID(DenialCode.ATTESTATION_INVALID, "the TPM attestation does not prove the agent key is in that TPM"),
    /** The attestation challenge expired before the enrollment answered it. */
    ATTESTATION_STALE(DenialCode.ATTESTATION_STALE, "the attestation challenge expired; ask for a new one");

    private final DenialCode publicCode;
    private final String publicMessage;

    DenialReason(DenialCode publicCode, String publicMessage) {
        this.publicCode = publicCode;
        this.publicMessage = publicMessage;
    }

    /**
     * The code the protocol sends the agent: several reasons share one where telling them apart would help an
     * attacker.
     *
     * @return the wire code, never null
     */
    public DenialCode publicCode() {
        return publicCode;
    }

    /**
     * The words an agent (and its user) may see: free of ids and of anything the request contained.
     *
     * @return a short English sentence, never null
     */
    public String publicMessage() {
        return publicMessage;
    }

    /**
     * The reason for a request body the agent-side parser refused.
     *
     * @param problem what the parser found
     * @return the reason with the same name (prefixed {@code REQUEST_}); every problem has one
     */
    public static DenialReason of(RequestException.Problem problem) {
        return switch (problem) {
            case OVERSIZED -> REQUEST_OVERSIZED;
            case NOT_JSON -> REQUEST_NOT_JSON;
            case DUPLICATE_FIELD -> REQUEST_DUPLICATE_FIELD;
            case UNKNOWN_FIELD -> REQUEST_UNKNOWN_FIELD;
            case MISSING_FIELD -> REQUEST_MISSING_FIELD;
            case WRONG_TYPE -> REQUEST_WRONG_TYPE;
            case INVALID_VALUE -> REQUEST_INVALID_VALUE;
            case UNSUPPORTED_VERSION -> REQUEST_UNSUPPORTED_VERSION;
        };
    }

    /**
     * The reason for a token the agent-side verifier refused.
     *
     * @param reason what the verifier found
     * @return the matching reason; every verifier reason has one
     */
    public static DenialReason of(TokenException.Reason reason) {
        return switch (reason) {
            case MALFORMED -> TOKEN_MALFORMED;
            case WRONG_VERSION_OR_PURPOSE -> TOKEN_WRONG_VERSION_OR_PURPOSE;
            case NON_CANONICAL_ENCODING -> TOKEN_NON_CANONICAL_ENCODING;
            case OVERSIZED -> TOKEN_OVERSIZED;
            case UNKNOWN_SIGNING_KEY -> UNKNOWN_SIGNING_KEY;
            case BAD_SIGNATURE -> BAD_SIGNATURE;
            case EXPIRED -> TOKEN_EXPIRED;
            case NOT_YET_VALID -> TOKEN_NOT_YET_VALID;
            case DUPLICATE_JSON_KEY -> TOKEN_DUPLICATE_JSON_KEY;
            case INVALID_CLAIMS -> TOKEN_INVALID_CLAIMS;
            case UNSUPPORTED_VERSION -> TOKEN_UNSUPPORTED_VERSION;
        };
    }
}
