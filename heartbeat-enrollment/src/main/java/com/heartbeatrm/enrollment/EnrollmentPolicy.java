package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.InvalidInputException;
import java.time.Duration;

/**
 * Tunables of the enrollment service, with safe defaults: 5 minutes of clock skew; throttling after 10 failures
 * from one address, or 25 suspect failures (bad proof, replay, clock, network, platform) against one key, within
 * 10 minutes, for 15 minutes; pending agents expire after 7 days.
 */
public final class EnrollmentPolicy {
    public static final EnrollmentPolicy DEFAULTS = builder().build();
    private final Duration maxClockSkew;
    private final Duration throttleWindow;
    private final int addressThreshold;
    private final int keyThreshold;
    private final Duration throttleBackoff;
    private final Duration pendingTtl;

    private EnrollmentPolicy(Builder b) {
        this.maxClockSkew = b.maxClockSkew;
        this.throttleWindow = b.throttleWindow;
        this.addressThreshold = b.addressThreshold;
        this.keyThreshold = b.keyThreshold;
        this.throttleBackoff = b.throttleBackoff;
        this.pendingTtl = b.pendingTtl;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Duration maxClockSkew() {
        return maxClockSkew;
    }

    public Duration throttleWindow() {
        return throttleWindow;
    }

    public int addressThreshold() {
        return addressThreshold;
    }

    public int keyThreshold() {
        return keyThreshold;
    }

    public Duration throttleBackoff() {
        return throttleBackoff;
    }

    public Duration pendingTtl() {
        return pendingTtl;
    }

    public static final class Builder {
        private Duration maxClockSkew = Duration.ofMinutes(5);
        private Duration throttleWindow = Duration.ofMinutes(10);
        private int addressThreshold = 10;
        private int keyThreshold = 25;
        private Duration throttleBackoff = Duration.ofMinutes(15);
        private Duration pendingTtl = Duration.ofDays(7);

        private Builder() {
        }

        public Builder maxClockSkew(Duration d) {
            this.maxClockSkew = positive("maxClockSkew", d, Duration.ofHours(1));
            return this;
        }

        public Builder throttle(int perAddress, int perKey, Duration window, Duration backoff) {
            if (perAddress < 1 || perKey < 1 || perAddress > 1_000_000 || perKey > 1_000_000) {
                throw new InvalidInputException("throttle", "thresholds must be 1 to 1000000");
            }
            this.addressThreshold = perAddress;
            this.keyThreshold = perKey;
            this.throttleWindow = positive("throttleWindow", window, Duration.ofDays(1));
            this.throttleBackoff = positive("throttleBackoff", backoff, Duration.ofDays(1));
            return this;
        }

        public Builder pendingTtl(Duration d) {
            this.pendingTtl = positive("pendingTtl", d, Duration.ofDays(365));
            return this;
        }

        private static Duration positive(String field, Duration d, Duration max) {
            if (d == null || d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
                throw new InvalidInputException(field, "must be positive and at most " + max);
            }
            return d;
        }

        public EnrollmentPolicy build() {
            return new EnrollmentPolicy(this);
        }
    }
}
