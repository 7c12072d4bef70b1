package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.core.StoreException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enrollment protocol's endpoints (enroll, renew, and the TPM attestation challenge), independent of any HTTP server: a transport gives it the method, path,
 * bounded body and peer address ({@link EndpointRequest}) and sends back the status, headers and body it answers
 * ({@link EndpointResponse}). The reference server, the servlet binding and the Spring Boot starter are thin
 * adapters over it.
 *
 * <p>Every outcome is a protocol answer ({@link EnrollmentResponse}) with its status: unknown paths 404, other
 * methods than {@code POST} 405, an oversized body 413, a store that cannot answer 503 with {@code Retry-After}, an
 * unexpected failure 500 (logged by class name, never with the body). Nothing a request sends reaches a log line.
 */
public final class EnrollmentEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentEndpoint.class);
    /** How long an agent is asked to wait when the store is unavailable. */
    public static final Duration UNAVAILABLE_RETRY = Duration.ofSeconds(5);
    private final HeartbeatServer server;

    EnrollmentEndpoint(HeartbeatServer server) {
        this.server = server;
    }

    /**
     * Answers one request: {@code POST enroll}, {@code POST renew} or {@code POST attestation/challenge}. Never throws for anything the request contains:
     * a refusal is a protocol answer.
     *
     * @param request the request as the transport read it
     * @return the answer to send; a store that cannot answer gives 503 with Retry-After
     */
    public EndpointResponse handle(EndpointRequest request) {
        Objects.requireNonNull(request, "request");
        String path = request.path().startsWith("/") ? request.path().substring(1) : request.path();
        boolean enroll = path.equals(EnrollmentProtocol.ENROLL_PATH);
        boolean challenge = path.equals(EnrollmentProtocol.CHALLENGE_PATH);
        if (!enroll && !challenge && !path.equals(EnrollmentProtocol.RENEW_PATH)) {
            return answer(new EnrollmentResponse.Denied(DenialCode.NOT_FOUND, "no such endpoint: use enroll, renew or "
                    + EnrollmentProtocol.CHALLENGE_PATH), Map.of());
        }
        if (!request.method().equals("POST")) {
            return answer(new EnrollmentResponse.Denied(DenialCode.METHOD_NOT_ALLOWED, "use POST"), Map.of("Allow", "POST"));
        }
        try {
            RequestContext ctx = server.contextFor(request.remoteAddress());
            if (challenge) {
                Attestations.ChallengeAnswer a = server.attestations().challenge(request.body(), ctx);
                return a instanceof Attestations.Issued issued ? new EndpointResponse(200, headers(Map.of()), issued.challenge().toJson())
                        : answer(((Attestations.Refused) a).denied().toResponse(), Map.of());
            }
            EnrollmentResponse r = enroll ? server.enroll(request.body(), ctx).toResponse() : server.renew(request.body(), ctx).toResponse();
            return answer(r, Map.of());
        } catch (StoreException e) {
            LOG.debug("store unavailable on {}: {}", path, e.isTransient() ? "transient" : "permanent");
            return answer(new EnrollmentResponse.Denied(DenialCode.UNAVAILABLE, "temporarily unavailable; try again",
                    Optional.of(UNAVAILABLE_RETRY)), Map.of());
        } catch (RuntimeException e) {
            LOG.warn("unexpected failure on {}: {}", path, e.getClass().getName());
            return answer(new EnrollmentResponse.Denied(DenialCode.INTERNAL_ERROR, "internal error"), Map.of());
        }
    }

    /**
     * The answer to a body whose declared length is over {@link EnrollmentProtocol#MAX_BODY_BYTES}, for a transport
     * that refuses it before reading a byte of it.
     *
     * @return a 413 answer that asks the transport to close the connection
     */
    public EndpointResponse refuseOversized() {
        return answer(new EnrollmentResponse.Denied(DenialCode.REQUEST_TOO_LARGE, "the request is larger than "
                + EnrollmentProtocol.MAX_BODY_BYTES + " bytes"), Map.of("Connection", "close"));
    }

    private static EndpointResponse answer(EnrollmentResponse r, Map<String, String> extra) {
        Map<String, String> headers = headers(Map.of());
        if (r instanceof EnrollmentResponse.Denied d && d.retryAfter().isPresent()) {
            headers.put("Retry-After", Long.toString(Math.max(1, d.retryAfter().get().toSeconds())));
        }
        headers.putAll(extra);
        return new EndpointResponse(r.httpStatus(), headers, r.toJson());
    }

    private static Map<String, String> headers(Map<String, String> extra) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", EnrollmentProtocol.CONTENT_TYPE);
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.putAll(extra);
        return headers;
    }
}
