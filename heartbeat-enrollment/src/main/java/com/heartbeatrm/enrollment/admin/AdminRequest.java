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
 * @param body opened at most once, and only by routes that take a body, after authentication
 */
public record AdminRequest(String method, String rawPath, Optional<String> rawQuery, InetAddress remoteAddress,
        Optional<String> authorization, Optional<String> principal, OptionalLong contentLength, Body body) {

    /** The request body, opened on demand. */
    @FunctionalInterface
    public interface Body {
        InputStream open() throws IOException;

        /** No body. */
        static Body empty() {
            return InputStream::nullInputStream;
        }
    }

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
