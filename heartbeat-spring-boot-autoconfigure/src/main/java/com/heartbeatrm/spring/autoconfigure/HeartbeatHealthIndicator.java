package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.spring.autoconfigure.internal.HealthCheck;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Spring Boot 4: UP when the store answers and the deployment has an active signing key; DOWN otherwise, with why.
 * (On Spring Boot 3, heartbeat-spring-boot3-autoconfigure defines the same indicator on Boot 3's health API.)
 */
public final class HeartbeatHealthIndicator extends AbstractHealthIndicator {
    private final HeartbeatServer server;

    /**
     * An indicator for {@code server}; each health request asks the store and the signing keys anew.
     *
     * @param server the server whose store and signing keys are checked
     */
    public HeartbeatHealthIndicator(HeartbeatServer server) {
        super(HealthCheck.FAILED);
        this.server = server;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        HealthCheck.of(server).report(builder::status, builder::withDetails);
    }
}
