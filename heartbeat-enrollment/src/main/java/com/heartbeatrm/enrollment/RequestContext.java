package com.heartbeatrm.enrollment;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * Where and when a request arrived, as the host's transport saw it.
 *
 * @param remoteAddress the sender's address (after any trusted proxy): what throttles and network rules judge
 * @param receivedAt the arrival time: what clock skew, expiries and throttle windows are judged against
 */
public record RequestContext(InetAddress remoteAddress, Instant receivedAt) {
    /**
     * Checks that no component is null.
     *
     * @param remoteAddress the sender's address (after any trusted proxy): what throttles and network rules judge
     * @param receivedAt the arrival time: what clock skew, expiries and throttle windows are judged against
     */
    public RequestContext {
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
