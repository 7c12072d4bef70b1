package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.enrollment.Credentialed;
import com.heartbeatrm.enrollment.Denied;
import com.heartbeatrm.enrollment.EnrollmentObserver;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.Pending;
import com.heartbeatrm.enrollment.RenewalResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Meters {@code heartbeat.enrollments} and {@code heartbeat.renewals}: a timer each (count and latency), tagged
 * {@code outcome} (the answer's status: enrolled, renewed, pending, denied) and {@code reason} (the denial reason in
 * lower case, or {@code none}). The reasons are a fixed set, so the tags cannot grow without bound.
 */
public final class MicrometerEnrollmentObserver implements EnrollmentObserver {
    private final Supplier<MeterRegistry> registry;

    /**
     * Meters into {@code registry}.
     *
     * @param registry where the timers and counters are registered
     */
    public MicrometerEnrollmentObserver(MeterRegistry registry) {
        this(() -> registry);
    }

    /**
     * Meters into the registry {@code registry} supplies when a request is observed (nothing when it supplies null).
     *
     * @param registry supplies the registry at each observation, or null to skip it
     */
    public MicrometerEnrollmentObserver(Supplier<MeterRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public void enrolled(EnrollmentResult result, Duration took) {
        record("heartbeat.enrollments", "Enrollment requests, by outcome and refusal reason", result, took);
    }

    @Override
    public void renewed(RenewalResult result, Duration took) {
        record("heartbeat.renewals", "Renewal requests, by outcome and refusal reason", result, took);
    }

    private void record(String name, String description, Object result, Duration took) {
        MeterRegistry r = registry.get();
        if (r == null) {
            return;
        }
        // The outcome is the answer's status; a credentialed result holds its answer, the others are named here,
        // so that metering builds no second answer on the request's path.
        String outcome = result instanceof Denied ? "denied" : result instanceof Pending ? "pending"
                : ((Credentialed<?>) result).toResponse().status();
        String reason = result instanceof Denied d ? d.reason().name().toLowerCase(Locale.ROOT) : "none";
        Timer.builder(name).description(description).tag("outcome", outcome).tag("reason", reason).register(r).record(took);
    }
}
