package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.EnrollmentResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An enrollment or a renewal refused, for a {@link DenialReason}; nothing was created or counted.
 *
 * @param reason why, precisely (the agent is told its public code and message only)
 * @param retryAfter when a throttle lifts; empty for every other reason
 */
public record Denied(DenialReason reason, Optional<Duration> retryAfter) implements EnrollmentResult, RenewalResult {
    /**
     * Checks that no component is null.
     *
     * @param reason why, precisely (the agent is told its public code and message only)
     * @param retryAfter when a throttle lifts; empty for every other reason
     */
    public Denied {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /**
     * A denial with no time to retry after.
     *
     * @param reason why
     */
    public Denied(DenialReason reason) {
        this(reason, Optional.empty());
    }

    /**
     * The words the agent is told.
     *
     * @return the reason's public message
     */
    public String publicMessage() {
        return reason.publicMessage();
    }

    @Override
    public EnrollmentResponse.Denied toResponse() {
        return new EnrollmentResponse.Denied(reason.publicCode(), reason.publicMessage(), retryAfter);
    }
}
