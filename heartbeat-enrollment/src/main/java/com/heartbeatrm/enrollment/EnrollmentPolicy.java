package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.InvalidInputException;
import java.time.Duration;

/**
 * Tunables of the enrollment service, with safe defaults ({@link #DEFAULTS}): 5 minutes of clock skew; throttling
 * after 10 failures from one address, or 25 suspect failures (bad proof, replay, clock, network, platform) against
 * one key, within 10 minutes, for 15 minutes; pending agents expire after 7 days.
 *
 * @param addressThreshold failures from one address within {@code throttleWindow} that block it (1 to 1,000,000)
 * @param keyThreshold     suspect failures against one key from one address that block that pair (1 to 1,000,000)
 */
public record EnrollmentPolicy(Duration maxClockSkew, Duration throttleWindow, int addressThreshold, int keyThreshold, Duration throttleBackoff,
        Duration pendingTtl) {
    public static final EnrollmentPolicy DEFAULTS = new EnrollmentPolicy(Duration.ofMinutes(5), Duration.ofMinutes(10), 10, 25,
            Duration.ofMinutes(15), Duration.ofDays(7));

    public EnrollmentPolicy {
        positive("maxClockSkew", maxClockSkew, Duration.ofHours(1));
        if (addressThreshold < 1 || keyThreshold < 1 || addressThreshold > 1_000_000 || keyThreshold > 1_000_000) {
            throw new InvalidInputException("throttle", "thresholds must be 1 to 1000000");
        }
        positive("throttleWindow", throttleWindow, Duration.ofDays(1));
        positive("throttleBackoff", throttleBackoff, Duration.ofDays(1));
        positive("pendingTtl", pendingTtl, Duration.ofDays(365));
    }

    /** A builder that starts from {@link #DEFAULTS}. */
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

        public Builder maxClockSkew(Duration d) {
            policy = new EnrollmentPolicy(d, policy.throttleWindow, policy.addressThreshold, policy.keyThreshold, policy.throttleBackoff,
                    policy.pendingTtl);
            return this;
        }

        public Builder throttle(int perAddress, int perKey, Duration window, Duration backoff) {
            policy = new EnrollmentPolicy(policy.maxClockSkew, window, perAddress, perKey, backoff, policy.pendingTtl);
            return this;
        }

        public Builder pendingTtl(Duration d) {
            policy = new EnrollmentPolicy(policy.maxClockSkew, policy.throttleWindow, policy.addressThreshold, policy.keyThreshold,
                    policy.throttleBackoff, d);
            return this;
        }

        public EnrollmentPolicy build() {
            return policy;
        }
    }
}
