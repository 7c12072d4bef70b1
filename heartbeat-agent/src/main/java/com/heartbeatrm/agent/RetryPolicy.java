package com.heartbeatrm.agent;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often and how patiently the client tries again: {@code attempts} rounds over the endpoints, and between rounds
 * an exponential back-off from {@code initial}, at most {@code max}, half of it jittered; a server's
 * {@code Retry-After} within {@code max} is honoured. Only unreachable and unavailable servers are retried.
 *
 * @param attempts rounds over the endpoints, 1 to 10
 * @param initial the first back-off
 * @param max the longest back-off
 */
record RetryPolicy(int attempts, Duration initial, Duration max) {
    static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30));

    RetryPolicy {
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException("attempts: 1 to 10");
        }
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
    }

    /** Whether another round may follow round {@code round} (counted from 1). */
    boolean retriesAfter(int round) {
        return round < attempts;
    }

    /** How long to wait after round {@code round}: the back-off, jittered, or the server's wait when longer. */
    Duration delayAfter(int round, Duration serverWait, RandomGenerator random) {
        long base = Math.min(max.toMillis(), initial.toMillis() << Math.min(round - 1, 20));
        long wait = Math.max(serverWait.toMillis(), base / 2 + (long) (random.nextDouble() * (base / 2.0)));
        return Duration.ofMillis(Math.min(wait, max.toMillis()));
    }

    /** Whether a server's {@code Retry-After} is short enough to honour. */
    boolean honours(Duration serverWait) {
        return serverWait.compareTo(max) <= 0;
    }
}
