package com.heartbeatrm.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The longest an access key created for a group may live: a positive duration, or unlimited. */
public final class KeyLifetimeLimit {
    public static final KeyLifetimeLimit UNLIMITED = new KeyLifetimeLimit(null);
    private final @Nullable Duration max;

    private KeyLifetimeLimit(@Nullable Duration max) {
        this.max = max;
    }

    public static KeyLifetimeLimit of(Duration max) {
        if (max == null || max.isNegative() || max.isZero()) {
            throw new InvalidInputException("maxKeyLifetime", "must be a positive duration");
        }
        return new KeyLifetimeLimit(max);
    }

    public Optional<Duration> maximum() {
        return Optional.ofNullable(max);
    }

    /** True when a key created (or re-pointed) at {@code now} with this expiry respects the limit. */
    public boolean permits(Instant now, Optional<Instant> expiresAt) {
        if (max == null) {
            return true;
        }
        return expiresAt.isPresent() && !expiresAt.get().isAfter(now.plus(max));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyLifetimeLimit k && java.util.Objects.equals(k.max, max);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(max);
    }

    /** {@code unlimited} or an ISO-8601 duration such as {@code PT720H}. */
    @Override
    public String toString() {
        return max == null ? "unlimited" : max.toString();
    }
}
