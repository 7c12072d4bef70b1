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

    public HeartbeatHealthIndicator(HeartbeatServer server) {
        super(HealthCheck.FAILED);
        this.server = server;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        HealthCheck.of(server).report(builder::status, builder::withDetails);
    }
}
