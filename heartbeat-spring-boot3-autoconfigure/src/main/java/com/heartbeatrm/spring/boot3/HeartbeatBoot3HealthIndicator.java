package com.heartbeatrm.spring.boot3;

import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.spring.autoconfigure.internal.HealthCheck;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** Spring Boot 3: UP when the store answers and the deployment has an active signing key; DOWN otherwise, with why. */
public final class HeartbeatBoot3HealthIndicator extends AbstractHealthIndicator {
    private final HeartbeatServer server;

    public HeartbeatBoot3HealthIndicator(HeartbeatServer server) {
        super(HealthCheck.FAILED);
        this.server = server;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        HealthCheck.of(server).report(builder::status, builder::withDetails);
    }
}
