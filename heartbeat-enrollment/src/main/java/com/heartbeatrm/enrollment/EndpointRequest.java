package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.EnrollmentProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One request as a transport hands it to {@link EnrollmentEndpoint}: the method, the path below the endpoint's mount
 * point ({@code enroll} or {@code renew}, with or without a leading {@code /}), the body read with {@link #readBody}
 * (so never more than one byte past the protocol's limit), and the peer's address as the transport saw it.
 *
 * @param method the HTTP method; only {@code POST} is answered with a protocol answer
 * @param path {@code enroll} or {@code renew}, with or without a leading {@code /}
 * @param body the body as read by {@link #readBody}; not copied
 * @param remoteAddress the peer's address (after any trusted proxy): what throttles count
 */
public record EndpointRequest(String method, String path, byte[] body, InetAddress remoteAddress) {
    /**
     * Checks that no component is null and that the body was read with {@link #readBody}.
     *
     * @param method the HTTP method; only {@code POST} is answered with a protocol answer
     * @param path {@code enroll} or {@code renew}, with or without a leading {@code /}
     * @param body the body as read by {@link #readBody}; not copied
     * @param remoteAddress the peer's address (after any trusted proxy): what throttles count
     * @throws IllegalArgumentException when the body is more than one byte past the protocol's limit
     */
    public EndpointRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        if (body.length > EnrollmentProtocol.MAX_BODY_BYTES + 1) {
            throw new IllegalArgumentException("body: read it with EndpointRequest.readBody, which stops one byte past the limit");
        }
    }

    /**
     * Reads a request body up to {@link EnrollmentProtocol#MAX_BODY_BYTES} plus one byte: enough for the endpoint to
     * tell an oversized body, never more. A transport that knows the declared length can refuse earlier.
     *
     * @param in the request's body stream; read, not closed
     * @return at most {@code MAX_BODY_BYTES + 1} bytes
     * @throws IOException when reading fails
     */
    public static byte[] readBody(InputStream in) throws IOException {
        return in.readNBytes(EnrollmentProtocol.MAX_BODY_BYTES + 1);
    }
}
