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

    /**
     * One enrollment's outcome; does nothing unless overridden.
     *
     * @param result enrolled, pending or denied
     * @param took how long the pipeline ran, store transaction included
     */
    default void enrolled(EnrollmentResult result, Duration took) {
    }

    /**
     * One renewal's outcome; does nothing unless overridden.
     *
     * @param result renewed, pending or denied
     * @param took how long the pipeline ran, store transaction included
     */
    default void renewed(RenewalResult result, Duration took) {
    }
}
