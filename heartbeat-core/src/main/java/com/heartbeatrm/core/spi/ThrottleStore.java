package com.heartbeatrm.core.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Failure counters for throttling, shared by every server node. A bucket (e.g. {@code "addr:203.0.113.9"} or
 * {@code "key:hbk_…"}) counts failures in a fixed window; reaching the threshold blocks it for a back-off period.
 */
public interface ThrottleStore {
    /**
     * Counts one failure atomically: if the bucket's window started more than {@code window} ago, a new window
     * starts with this failure. When the count reaches {@code threshold}, the bucket is blocked until
     * {@code now + backoff}. Returns the block's end if the bucket is now blocked.
     */
    Optional<Instant> recordFailure(String bucket, Instant now, Duration window, int threshold, Duration backoff);

    /** The end of the bucket's block, when it is blocked at {@code now}. */
    Optional<Instant> blockedUntil(String bucket, Instant now);
}
