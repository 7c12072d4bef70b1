package com.heartbeatrm.core;

import java.time.Instant;
import java.util.Objects;

/**
 * The instants every store can hold: from the epoch up to (not including) 2200-01-01. A store may keep instants as
 * 64-bit nanoseconds since the epoch, which end in 2262; values an operator types (an expiry, an audit window) are
 * checked against this range where they enter, so that none fails deep in a store.
 */
public final class Timestamps {
    /** The earliest instant accepted: the epoch. */
    public static final Instant EARLIEST = Instant.EPOCH;
    /** The first instant no longer accepted: 2200-01-01T00:00:00Z. */
    public static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");

    private Timestamps() {
    }

    /**
     * {@code t}, if it is in range; else {@link InvalidInputException} naming {@code field}.
     *
     * @param field the field name for the error
     * @param t the instant to check
     * @return {@code t}
     * @throws InvalidInputException when {@code t} is before {@link #EARLIEST} or not before {@link #LATEST}
     */
    public static Instant check(String field, Instant t) {
        Objects.requireNonNull(t, field);
        if (t.isBefore(EARLIEST) || !t.isBefore(LATEST)) {
            throw new InvalidInputException(field, "must be between " + EARLIEST + " and " + LATEST);
        }
        return t;
    }
}
