package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.EnrollmentResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An enrollment or a renewal refused, for a {@link DenialReason}; nothing was created or counted.
 * {@code retryAfter}: when a throttle lifts.
 */
public record Denied(DenialReason reason, Optional<Duration> retryAfter) implements EnrollmentResult, RenewalResult {
    public Denied {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public Denied(DenialReason reason) {
        this(reason, Optional.empty());
    }

    /** The words the agent is told. */
    public String publicMessage() {
        return reason.publicMessage();
    }

    @Override
    public EnrollmentResponse.Denied toResponse() {
        return new EnrollmentResponse.Denied(reason.publicCode(), reason.publicMessage(), retryAfter);
    }
}
