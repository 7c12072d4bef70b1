package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.OrganizationId;
import java.util.function.IntFunction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Failure counters for throttling, shared by every server node. A bucket (e.g. {@code "enroll:203.0.113.9"} or
 * {@code "key:hbk_…@203.0.113.9"}) counts failures in a fixed window; reaching the threshold blocks it for a back-off
 * period. Bucket names are printable ASCII of at most {@value #MAX_BUCKET_LENGTH} characters.
 */
public interface ThrottleStore {
    /** The longest bucket name, in characters. */
    int MAX_BUCKET_LENGTH = 200;

    /**
     * Counts one failure atomically: if the bucket's window started more than {@code window} ago, a new window
     * starts with this failure. When the count reaches {@code threshold}, the bucket is blocked until
     * {@code now + backoff}; {@link Failure#newlyBlocked()} says that this failure blocked it.
     *
     * @param bucket the bucket name
     * @param now the failure's time
     * @param window the counting window
     * @param threshold failures that block the bucket, positive
     * @param backoff how long a block lasts
     * @return the bucket's block, if any
     */
    Failure recordFailure(String bucket, Instant now, Duration window, int threshold, Duration backoff);

    /**
     * The end of the bucket's block, when it is blocked at {@code now}.
     *
     * @param bucket the bucket name
     * @param now the current instant
     * @return the end of the block, or empty when not blocked
     */
    Optional<Instant> blockedUntil(String bucket, Instant now);

    /**
     * Every bucket whose name starts with {@code prefix} and is blocked at {@code now}, by name.
     *
     * @param prefix a bucket name prefix, e.g. {@code "key:hbk_..."}
     * @param now the current instant
     * @return the blocks, sorted by bucket name
     */
    List<Block> blocked(String prefix, Instant now);

    /**
     * Lifts the block and forgets the failures of every bucket whose name starts with {@code prefix}; returns how many.
     *
     * @param prefix a bucket name prefix
     * @return how many buckets were cleared
     */
    int clear(String prefix);

    /**
     * Lifts, as {@link #clear}, and appends the audit event {@code audit} makes of how many buckets there were, in one
     * atomic step: the lift and its record commit together or not at all. The event must be of {@code org}.
     *
     * @param org the organization the event belongs to
     * @param prefix a bucket name prefix
     * @param audit makes the event from the number of buckets lifted
     * @return how many buckets were cleared
     */
    int lift(OrganizationId org, String prefix, IntFunction<AuditEvent> audit);

    /**
     * Forgets every bucket that holds nothing any more at {@code now}: not blocked, and with no failure counted in
     * the last {@code window}. Returns how many were forgotten. Servers call it as they count failures, so the
     * throttle state stays bounded by the failures of one window and the blocks in force.
     *
     * @param now the current instant
     * @param window the counting window
     * @return how many buckets were forgotten
     */
    int purge(Instant now, Duration window);

    /**
     * What recording a failure did.
     *
     * @param blockedUntil the end of the bucket's block, if it is blocked
     * @param newlyBlocked whether this failure blocked it
     */
    record Failure(Optional<Instant> blockedUntil, boolean newlyBlocked) {
        /**
         * Checks that a newly blocked bucket has an end to its block.
         *
         * @param blockedUntil the end of the block, if any
         * @param newlyBlocked whether this failure blocked it
         * @throws IllegalArgumentException when newly blocked without an end
         */
        public Failure {
            java.util.Objects.requireNonNull(blockedUntil, "blockedUntil");
            if (newlyBlocked && blockedUntil.isEmpty()) {
                throw new IllegalArgumentException("a newly blocked bucket has an end to its block");
            }
        }
    }

    /**
     * A blocked bucket.
     *
     * @param bucket the bucket name
     * @param until the end of its block
     */
    record Block(String bucket, Instant until) {
        /**
         * Checks that neither part is null.
         *
         * @param bucket the bucket name
         * @param until the end of its block
         */
        public Block {
            java.util.Objects.requireNonNull(bucket, "bucket");
            java.util.Objects.requireNonNull(until, "until");
        }
    }
}
