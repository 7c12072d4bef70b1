package com.heartbeatrm.enrollment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The answer {@link EnrollmentEndpoint} gives a transport to send: status, headers and body. The body may hold a
 * credential, so the response prints without it.
 */
public final class EndpointResponse {
    private final int status;
    private final Map<String, String> headers;
    private final byte[] body;

    EndpointResponse(int status, Map<String, String> headers, byte[] body) {
        this.status = status;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        this.body = Objects.requireNonNull(body, "body");
    }

    /**
     * The HTTP status.
     *
     * @return the status of the protocol answer, as {@link EnrollmentEndpoint} lists them
     */
    public int status() {
        return status;
    }

    /**
     * The headers to send.
     *
     * @return Content-Type, Cache-Control and friends, and Retry-After or Allow where they apply; unmodifiable
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * The body.
     *
     * @return a copy of the JSON bytes (they may hold a credential: do not log them)
     */
    public byte[] body() {
        return body.clone();
    }

    /**
     * The body without a copy, for writing it to a socket.
     *
     * @return this response's own array; the caller must not change it
     */
    public byte[] bodyUnsafe() {
        return body;
    }

    @Override
    public String toString() {
        return "EndpointResponse[" + status + ", " + body.length + " bytes]";
    }
}
