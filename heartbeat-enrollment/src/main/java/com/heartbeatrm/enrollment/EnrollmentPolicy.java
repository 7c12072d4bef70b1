package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.InvalidInputException;
import java.time.Duration;

/**
 * Tunables of the enrollment service, with safe defaults ({@link #DEFAULTS}): 5 minutes of clock skew; throttling
 * after 10 failures from one address, or 25 suspect failures (bad proof, replay, clock, network, platform) against
 * one key, within 10 minutes, for 15 minutes; pending agents expire after 7 days.
 *
 * @param maxClockSkew     how far a request's timestamp may be from the server's clock (positive, at most 1 hour)
 * @param throttleWindow   the window in which failures are counted (positive, at most 1 day)
 * @param addressThreshold failures from one address within {@code throttleWindow} that block it (1 to 1,000,000)
 * @param keyThreshold     suspect failures against one key from one address that block that pair (1 to 1,000,000)
 * @param throttleBackoff  how long a block lasts (positive, at most 1 day)
 * @param pendingTtl       how long an agent may wait for approval before a renewal disables it (positive, at most
 *                         365 days)
 */
public record EnrollmentPolicy(Duration maxClockSkew, Duration throttleWindow, int addressThreshold, int keyThreshold, Duration throttleBackoff,
        Duration pendingTtl) {
    /** The safe defaults the class comment lists. */
    public static final EnrollmentPolicy DEFAULTS = new EnrollmentPolicy(Duration.ofMinutes(5), Duration.ofMinutes(10), 10, 25,
            Duration.ofMinutes(15), Duration.ofDays(7));

    /**
     * Checks every bound listed above.
     *
     * @param maxClockSkew     how far a request's timestamp may be from the server's clock (positive, at most 1 hour)
     * @param throttleWindow   the window in which failures are counted (positive, at most 1 day)
     * @param addressThreshold failures from one address within {@code throttleWindow} that block it (1 to 1,000,000)
     * @param keyThreshold     suspect failures against one key from one address that block that pair (1 to 1,000,000)
     * @param throttleBackoff  how long a block lasts (positive, at most 1 day)
     * @param pendingTtl       how long an agent may wait for approval before a renewal disables it (positive, at most 365 days)
     * @throws InvalidInputException naming the first component out of its bounds
     */
    public EnrollmentPolicy {
        positive("maxClockSkew", maxClockSkew, Duration.ofHours(1));
        if (addressThreshold < 1 || keyThreshold < 1 || addressThreshold > 1_000_000 || keyThreshold > 1_000_000) {
            throw new InvalidInputException("throttle", "thresholds must be 1 to 1000000");
        }
        positive("throttleWindow", throttleWindow, Duration.ofDays(1));
        positive("throttleBackoff", throttleBackoff, Duration.ofDays(1));
        positive("pendingTtl", pendingTtl, Duration.ofDays(365));
    }

    /**
     * A builder that starts from {@link #DEFAULTS}.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    private static void positive(String field, Duration d, Duration max) {
        if (d == null || d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
            throw new InvalidInputException(field, "must be positive and at most " + max);
        }
    }

    /** Changes one tunable at a time; each change is checked at once, by the policy it makes. */
    public static final class Builder {
        private EnrollmentPolicy policy = DEFAULTS;

        private Builder() {
        }

        /**
         * How far a request's timestamp may be from the server's clock.
         *
         * @param d positive, at most 1 hour
         * @return this builder
         * @throws InvalidInputException when {@code d} is out of that range
         */
        public Builder maxClockSkew(Duration d) {
            policy = new EnrollmentPolicy(d, policy.throttleWindow, policy.addressThreshold, policy.keyThreshold, policy.throttleBackoff,
                    policy.pendingTtl);
            return this;
        }

        /**
         * The throttle: how many failures within {@code window} block an address, or a key from one address, and for
         * how long.
         *
         * @param perAddress failures from one address (1 to 1,000,000)
         * @param perKey suspect failures against one key from one address (1 to 1,000,000)
         * @param window positive, at most 1 day
         * @param backoff how long a block lasts: positive, at most 1 day
         * @return this builder
         * @throws InvalidInputException when a value is out of its range
         */
        public Builder throttle(int perAddress, int perKey, Duration window, Duration backoff) {
            policy = new EnrollmentPolicy(policy.maxClockSkew, window, perAddress, perKey, backoff, policy.pendingTtl);
            return this;
        }

        /**
         * How long an agent may wait for approval.
         *
         * @param d positive, at most 365 days
         * @return this builder
         * @throws InvalidInputException when {@code d} is out of that range
         */
        public Builder pendingTtl(Duration d) {
            policy = new EnrollmentPolicy(policy.maxClockSkew, policy.throttleWindow, policy.addressThreshold, policy.keyThreshold,
                    policy.throttleBackoff, d);
            return this;
        }

        /**
         * The policy; the builder may be used again.
         *
         * @return the policy with the values set so far, already checked
         */
        public EnrollmentPolicy build() {
            return policy;
        }
    }
}
