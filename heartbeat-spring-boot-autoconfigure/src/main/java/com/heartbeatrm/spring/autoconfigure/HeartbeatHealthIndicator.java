package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.spi.StoredSigningKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** UP when the store answers and the deployment has an active signing key; DOWN otherwise, with why. */
public final class HeartbeatHealthIndicator extends AbstractHealthIndicator {
    private final HeartbeatServer server;

    public HeartbeatHealthIndicator(HeartbeatServer server) {
        super("HeartbeatRM health check failed");
        this.server = server;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        server.admin().organizations().list(PageRequest.first(1));
        boolean active = server.signingKeys().list().stream().anyMatch(k -> k.status() == StoredSigningKey.Status.ACTIVE);
        builder.withDetail("store", server.admin().store().toString());
        if (active) {
            builder.up().withDetail("signingKey", "active");
        } else {
            builder.down().withDetail("signingKey", "none active: the server cannot sign credentials");
        }
    }
}
