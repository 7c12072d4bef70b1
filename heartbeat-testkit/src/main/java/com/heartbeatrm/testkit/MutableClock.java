package com.heartbeatrm.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that tests set and advance, so that no test sleeps. Thread-safe. */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /**
     * A clock in UTC at {@code start}; it moves only when a test moves it.
     *
     * @param start the first instant
     */
    public MutableClock(Instant start) {
        this(new AtomicReference<>(start), ZoneOffset.UTC);
    }

    private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * A clock at 2026-01-01T00:00:00Z.
     *
     * @return a new clock
     */
    public static MutableClock startingAtFixedInstant() {
        return new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * Moves the clock forward (or back, for a negative duration); every copy made by {@link #withZone} moves too.
     *
     * @param d how far to move
     */
    public void advance(Duration d) {
        now.updateAndGet(i -> i.plus(d));
    }

    /**
     * Sets the clock to {@code instant}; every copy made by {@link #withZone} follows.
     *
     * @param instant the new time
     */
    public void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public Instant instant() {
        return Objects.requireNonNull(now.get(), "the clock is always set");
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new MutableClock(now, newZone);
    }
}
