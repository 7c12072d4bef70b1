package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.enrollment.HeartbeatServer;

/**
 * Changes one thing of the auto-configured {@link HeartbeatServer} (its policy, clock, observer, pins...) without
 * redefining the whole bean. Every bean of this type is applied, in {@code @Order}, after the properties.
 */
@FunctionalInterface
public interface HeartbeatServerCustomizer {
    /**
     * Changes the builder before the server is built; called once, on the thread that creates the server bean.
     *
     * @param builder the server's builder, already holding what the properties configure
     */
    void customize(HeartbeatServer.Builder builder);
}
