package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.InvalidInputException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the server's retention sweeper removes and how often it runs. The stale and ephemeral agent rules are group
 * settings ({@code staleAgents}, {@code ephemeralAgents}, off by default); this policy holds what is server-wide: how long
 * audit records are kept, how long the records of revoked or expired installers are kept, and the sweeper's pace.
 *
 * <p>{@link #DEFAULTS} deletes nothing by itself and starts no thread: a library does not drop a host's audit trail or
 * run in the background unasked; {@link HeartbeatServer#sweep()} applies the group rules when called. {@link #RECOMMENDED}
 * is what the reference server and the Spring Boot starter run: a sweep every 15 minutes, audit kept 400 days (a year
 * and a margin for an annual review), installer records kept 90 days after their revocation or expiry (long enough to
 * answer "which installer enrolled this agent" for a recent incident).
 */
public final class RetentionPolicy {
    /** The largest {@link Builder#batchSize}: rows one store call reads or deletes, kept short for the transaction. */
    public static final int MAX_BATCH = 1000;
    /** Deletes nothing by itself and starts no thread: see the class comment. */
    public static final RetentionPolicy DEFAULTS = builder().build();
    /** A sweep every 15 minutes, audit kept 400 days, installer records 90 days: see the class comment. */
    public static final RetentionPolicy RECOMMENDED = builder().auditRetention(Duration.ofDays(400)).installerGrace(Duration.ofDays(90))
            .sweepEvery(Duration.ofMinutes(15)).build();

    private final Optional<Duration> auditRetention;
    private final Optional<Duration> installerGrace;
    private final Optional<Duration> sweepEvery;
    private final int batchSize;
    private final int maxWorkPerRun;

    private RetentionPolicy(Builder b) {
        this.auditRetention = b.auditRetention;
        this.installerGrace = b.installerGrace;
        this.sweepEvery = b.sweepEvery;
        this.batchSize = b.batchSize;
        this.maxWorkPerRun = b.maxWorkPerRun;
    }

    /**
     * A builder starting from {@link #DEFAULTS}.
     *
     * @return a new builder; not thread-safe
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this policy's values, to change some of them.
     *
     * @return a new builder; this policy stays as it is
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.auditRetention = auditRetention;
        b.installerGrace = installerGrace;
        b.sweepEvery = sweepEvery;
        b.batchSize = batchSize;
        b.maxWorkPerRun = maxWorkPerRun;
        return b;
    }

    /**
     * How long audit records are kept.
     *
     * @return the age past which audit records are deleted (at least 1 day); empty: kept forever
     */
    public Optional<Duration> auditRetention() {
        return auditRetention;
    }

    /**
     * How long records of revoked or expired installers are kept.
     *
     * @return the time after revocation or expiry past which the record is deleted (at least 1 hour); empty: forever
     */
    public Optional<Duration> installerGrace() {
        return installerGrace;
    }

    /**
     * How often the background sweeper runs.
     *
     * @return the pause between two background sweeps (at least 1 second); empty: no background sweeps
     */
    public Optional<Duration> sweepEvery() {
        return sweepEvery;
    }

    /**
     * The size of one batch.
     *
     * @return rows one store call reads or deletes, 1 to {@link #MAX_BATCH}; each batch is a short transaction
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The bound on one sweep's work.
     *
     * @return rows one sweep reads or changes at most (positive); the next sweep resumes where it stopped
     */
    public int maxWorkPerRun() {
        return maxWorkPerRun;
    }

    @Override
    public String toString() {
        return "RetentionPolicy[audit=" + auditRetention.map(Duration::toString).orElse("forever") + ", installers="
                + installerGrace.map(Duration::toString).orElse("forever") + ", every=" + sweepEvery.map(Duration::toString).orElse("on request")
                + ", batch=" + batchSize + ", maxWork=" + maxWorkPerRun + "]";
    }

    /** Builds a {@link RetentionPolicy}; each setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private Optional<Duration> auditRetention = Optional.empty();
        private Optional<Duration> installerGrace = Optional.empty();
        private Optional<Duration> sweepEvery = Optional.empty();
        private int batchSize = 500;
        private int maxWorkPerRun = 20_000;

        private Builder() {
        }

        /**
         * Keep audit records this long.
         *
         * @param d at least 1 day; {@code null} keeps them forever
         * @return this builder
         * @throws InvalidInputException when {@code d} is shorter than 1 day
         */
        public Builder auditRetention(Duration d) {
            this.auditRetention = Optional.ofNullable(d).map(x -> atLeast("auditRetention", x, Duration.ofDays(1)));
            return this;
        }

        /**
         * Keep records of revoked or expired installers this long after their revocation or expiry.
         *
         * @param d at least 1 hour; {@code null} keeps them forever
         * @return this builder
         * @throws InvalidInputException when {@code d} is shorter than 1 hour
         */
        public Builder installerGrace(Duration d) {
            this.installerGrace = Optional.ofNullable(d).map(x -> atLeast("installerGrace", x, Duration.ofHours(1)));
            return this;
        }

        /**
         * Sweep in the background with this pause between runs.
         *
         * @param d at least 1 second; {@code null}: sweep only when {@link HeartbeatServer#sweep()} is called
         * @return this builder
         * @throws InvalidInputException when {@code d} is shorter than 1 second
         */
        public Builder sweepEvery(Duration d) {
            this.sweepEvery = Optional.ofNullable(d).map(x -> atLeast("sweepEvery", x, Duration.ofSeconds(1)));
            return this;
        }

        /**
         * Rows one store call reads or deletes; 500 unless set.
         *
         * @param n 1 to {@link #MAX_BATCH}
         * @return this builder
         * @throws InvalidInputException when {@code n} is out of range
         */
        public Builder batchSize(int n) {
            if (n < 1 || n > MAX_BATCH) {
                throw new InvalidInputException("batchSize", "must be between 1 and " + MAX_BATCH + ", got " + n);
            }
            this.batchSize = n;
            return this;
        }

        /**
         * Rows one sweep reads or changes at most; 20,000 unless set.
         *
         * @param n positive
         * @return this builder
         * @throws InvalidInputException when {@code n} is not positive
         */
        public Builder maxWorkPerRun(int n) {
            if (n < 1) {
                throw new InvalidInputException("maxWorkPerRun", "must be positive, got " + n);
            }
            this.maxWorkPerRun = n;
            return this;
        }

        private static Duration atLeast(String field, Duration d, Duration min) {
            Objects.requireNonNull(d, field);
            if (d.compareTo(min) < 0) {
                throw new InvalidInputException(field, "must be at least " + min + ", got " + d);
            }
            return d;
        }

        /**
         * The policy; the builder may be used again.
         *
         * @return an immutable policy with the values set so far
         */
        public RetentionPolicy build() {
            return new RetentionPolicy(this);
        }
    }
}
