package com.heartbeatrm.protocol;

import java.net.URI;
import java.util.Objects;

/**
 * The enrollment protocol's fixed parts, shared by agents and servers ({@code docs/protocol.md} describes it for
 * implementers in other languages). An enrollment token names one or more base URLs; an agent {@code POST}s JSON
 * to {@link #enrollUri} to enroll and to {@link #renewUri} to renew (or to poll while it waits for approval). Every
 * answer is an {@link EnrollmentResponse} with the HTTP status that {@link EnrollmentResponse#httpStatus()} names.
 */
public final class EnrollmentProtocol {
    /** The version of the request and response bodies ({@code "v"}). */
    public static final int VERSION = 1;
    /** The largest request or response body either side reads, in bytes. */
    public static final int MAX_BODY_BYTES = 32 * 1024;
    /** The path, relative to a base URL, that enrolls. */
    public static final String ENROLL_PATH = "enroll";
    /** The path, relative to a base URL, that renews a credential or polls a pending enrollment. */
    public static final String RENEW_PATH = "renew";
    /** The path, relative to a base URL, that answers an {@link AttestationChallengeRequest} (TPM attestation). */
    public static final String CHALLENGE_PATH = "attestation/challenge";
    /** The media type of every body. */
    public static final String CONTENT_TYPE = "application/json";

    private EnrollmentProtocol() {
    }

    /**
     * {@code base} + {@value #ENROLL_PATH}, e.g. {@code https://rmm.example/v1/enroll}.
     *
     * @param base an endpoint from the token, ending with {@code /}
     * @return the enrollment URL
     */
    public static URI enrollUri(URI base) {
        return EnrollmentClaims.checkEndpoint(Objects.requireNonNull(base, "base")).resolve(ENROLL_PATH);
    }

    /**
     * {@code base} + {@value #CHALLENGE_PATH}, e.g. {@code https://rmm.example/v1/attestation/challenge}.
     *
     * @param base an endpoint from the token, ending with {@code /}
     * @return the attestation challenge URL
     */
    public static URI challengeUri(URI base) {
        return EnrollmentClaims.checkEndpoint(Objects.requireNonNull(base, "base")).resolve(CHALLENGE_PATH);
    }

    /**
     * {@code base} + {@value #RENEW_PATH}, e.g. {@code https://rmm.example/v1/renew}.
     *
     * @param base an endpoint from the token, ending with {@code /}
     * @return the renewal URL
     */
    public static URI renewUri(URI base) {
        return EnrollmentClaims.checkEndpoint(Objects.requireNonNull(base, "base")).resolve(RENEW_PATH);
    }
}
