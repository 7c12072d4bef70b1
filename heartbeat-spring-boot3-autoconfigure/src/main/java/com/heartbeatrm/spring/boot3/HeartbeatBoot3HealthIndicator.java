package com.heartbeatrm.spring.boot3;

import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.spring.autoconfigure.internal.HealthCheck;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** Spring Boot 3: UP when the store answers and the deployment has an active signing key; DOWN otherwise, with why. */
public final class HeartbeatBoot3HealthIndicator extends AbstractHealthIndicator {
    private final HeartbeatServer server;

    /**
     * An indicator for {@code server}; each health request asks the store and the signing keys anew.
     *
     * @param server the server whose store and signing keys are checked
     */
    public HeartbeatBoot3HealthIndicator(HeartbeatServer server) {
        super(HealthCheck.FAILED);
        this.server = server;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        HealthCheck.of(server).report(builder::status, builder::withDetails);
    }
}
