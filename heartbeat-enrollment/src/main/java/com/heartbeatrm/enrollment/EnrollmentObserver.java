package com.heartbeatrm.enrollment;

import java.time.Duration;

/**
 * Sees every enrollment and renewal outcome with how long it took, for metrics. Called on the request's thread
 * after the answer is decided; must be fast and must not throw (what it throws is logged and dropped).
 */
public interface EnrollmentObserver {
    /** Observes nothing. */
    EnrollmentObserver NONE = new EnrollmentObserver() {
    };

    default void enrolled(EnrollmentResult result, Duration took) {
    }

    default void renewed(RenewalResult result, Duration took) {
    }
}
