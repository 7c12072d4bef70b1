package com.heartbeatrm.enrollment;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

/** Where and when a request arrived, as the host's transport saw it. */
public record RequestContext(InetAddress remoteAddress, Instant receivedAt) {
    public RequestContext {
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
