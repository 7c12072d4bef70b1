package com.heartbeatrm.enrollment.admin;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One admin API request as a transport hands it over: the method, the raw (still percent-encoded) path below the
 * API's mount point ({@code /keys/hbk_…/disable}), the raw query, the peer address, the {@code Authorization}
 * header, the principal the host's own security authenticated (if any), the declared body length and the body.
 *
 * @param method the HTTP method, upper case
 * @param rawPath the path below the mount point, still percent-encoded, starting with {@code /}
 * @param rawQuery the query without {@code ?}, still percent-encoded; empty when there is none
 * @param remoteAddress the peer's address (after any trusted proxy), for the authenticator's slow-down
 * @param authorization the {@code Authorization} header, if sent
 * @param principal the name the host's own security authenticated, if any
 * @param contentLength the declared body length, if declared: a route refuses a body over its bound before reading it
 * @param body opened at most once, and only by routes that take a body, after authentication
 */
public record AdminRequest(String method, String rawPath, Optional<String> rawQuery, InetAddress remoteAddress,
        Optional<String> authorization, Optional<String> principal, OptionalLong contentLength, Body body) {

    /** The request body, opened on demand. */
    @FunctionalInterface
    public interface Body {
        /**
         * Opens the body.
         *
         * @return the body's stream; the endpoint reads it up to its bound and closes it
         * @throws IOException when the transport cannot give it
         */
        InputStream open() throws IOException;

        /**
         * No body.
         *
         * @return a body whose stream is empty
         */
        static Body empty() {
            return InputStream::nullInputStream;
        }
    }

    /**
     * Checks that no component is null.
     *
     * @param method the HTTP method, upper case
     * @param rawPath the path below the mount point, still percent-encoded, starting with {@code /}
     * @param rawQuery the query without {@code ?}, still percent-encoded; empty when there is none
     * @param remoteAddress the peer's address (after any trusted proxy), for the authenticator's slow-down
     * @param authorization the {@code Authorization} header, if sent
     * @param principal the name the host's own security authenticated, if any
     * @param contentLength the declared body length, if declared: a route refuses a body over its bound before reading it
     * @param body opened at most once, and only by routes that take a body, after authentication
     */
    public AdminRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(rawQuery, "rawQuery");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(contentLength, "contentLength");
        Objects.requireNonNull(body, "body");
    }
}
