package com.heartbeatrm.spring.autoconfigure.internal;

import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.spi.StoredSigningKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The health of a {@link HeartbeatServer}, apart from Spring Boot's health API (which moved between Boot 3 and 4):
 * UP when the store answers and the deployment has an active signing key. Public only for the Boot 3 indicator.
 */
public final class HealthCheck {
    private HealthCheck() {
    }

    /** What a health indicator says when the check throws, on either generation. */
    public static final String FAILED = "HeartbeatRM health check failed";

    /** The result: up or down, and the details to show. */
    public record Result(boolean up, Map<String, String> details) {
        /**
         * Reports this result into a health builder of either generation, whose status codes are the same.
         *
         * @param status takes "UP" or "DOWN"
         * @param details takes the details
         */
        public void report(Consumer<String> status, Consumer<Map<String, String>> details) {
            status.accept(up ? "UP" : "DOWN");
            details.accept(this.details);
        }
    }

    /** Runs the check; a store that does not answer throws, which both generations report as DOWN with the error. */
    public static Result of(HeartbeatServer server) {
        server.admin().organizations().list(PageRequest.first(1));
        boolean active = server.signingKeys().list().stream().anyMatch(k -> k.status() == StoredSigningKey.Status.ACTIVE);
        String store = server.describeStore();
        return active ? new Result(true, Map.of("store", store, "signingKey", "active"))
                : new Result(false, Map.of("store", store, "signingKey", "none active: the server cannot sign credentials"));
    }
}
