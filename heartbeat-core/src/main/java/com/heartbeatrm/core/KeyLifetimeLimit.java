package com.heartbeatrm.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The longest an access key created for a group may live: a positive duration, or unlimited. */
public final class KeyLifetimeLimit {
    /** No limit: keys may live forever. */
    public static final KeyLifetimeLimit UNLIMITED = new KeyLifetimeLimit(null);
    private final @Nullable Duration max;

    private KeyLifetimeLimit(@Nullable Duration max) {
        this.max = max;
    }

    /**
     * A limit of {@code max}: keys must expire no later than {@code max} after they are created or re-pointed.
     *
     * @param max a positive duration
     * @return the limit
     * @throws InvalidInputException when {@code max} is null, zero or negative
     */
    public static KeyLifetimeLimit of(Duration max) {
        if (max == null || max.isNegative() || max.isZero()) {
            throw new InvalidInputException("maxKeyLifetime", "must be a positive duration");
        }
        return new KeyLifetimeLimit(max);
    }

    /**
     * The longest lifetime.
     *
     * @return the maximum, or empty when unlimited
     */
    public Optional<Duration> maximum() {
        return Optional.ofNullable(max);
    }

    /**
     * True when a key created (or re-pointed) at {@code now} with this expiry respects the limit.
     *
     * @param now the time of creation or re-pointing
     * @param expiresAt the key's expiry; a key without one respects only {@link #UNLIMITED}
     * @return whether the key fits
     */
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
