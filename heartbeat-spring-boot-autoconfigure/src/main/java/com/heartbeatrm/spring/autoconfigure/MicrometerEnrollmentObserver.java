package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.enrollment.EnrollmentObserver;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.RenewalResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * Meters {@code heartbeat.enrollments} and {@code heartbeat.renewals}: a timer each (count and latency), tagged
 * {@code outcome} (enrolled, renewed, pending, denied) and {@code reason} (the denial reason in lower case, or
 * {@code none}). The reasons are a fixed set, so the tags cannot grow without bound.
 */
public final class MicrometerEnrollmentObserver implements EnrollmentObserver {
    private final java.util.function.Supplier<MeterRegistry> registry;

    public MicrometerEnrollmentObserver(MeterRegistry registry) {
        this(() -> registry);
    }

    /** Meters into the registry {@code registry} supplies when a request is observed (nothing when it supplies null). */
    public MicrometerEnrollmentObserver(java.util.function.Supplier<MeterRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public void enrolled(EnrollmentResult result, Duration took) {
        String outcome;
        String reason = "none";
        if (result instanceof EnrollmentResult.Enrolled) {
            outcome = "enrolled";
        } else if (result instanceof EnrollmentResult.Pending) {
            outcome = "pending";
        } else {
            outcome = "denied";
            reason = ((EnrollmentResult.Denied) result).reason().name().toLowerCase(Locale.ROOT);
        }
        record("heartbeat.enrollments", "Enrollment requests, by outcome and refusal reason", outcome, reason, took);
    }

    @Override
    public void renewed(RenewalResult result, Duration took) {
        String outcome;
        String reason = "none";
        if (result instanceof RenewalResult.Renewed) {
            outcome = "renewed";
        } else if (result instanceof RenewalResult.Pending) {
            outcome = "pending";
        } else {
            outcome = "denied";
            reason = ((RenewalResult.Denied) result).reason().name().toLowerCase(Locale.ROOT);
        }
        record("heartbeat.renewals", "Renewal requests, by outcome and refusal reason", outcome, reason, took);
    }

    private void record(String name, String description, String outcome, String reason, Duration took) {
        MeterRegistry r = registry.get();
        if (r != null) {
            Timer.builder(name).description(description).tag("outcome", outcome).tag("reason", reason).register(r).record(took);
        }
    }
}
