package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.spi.ThrottleStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/** Failure counters and blocks per bucket, deployment-wide; a lift and its audit event commit together. */
final class InMemoryThrottleStore extends OverTenantState implements ThrottleStore {
    InMemoryThrottleStore(TenantState state) {
        super(state);
    }

    private static final class Bucket {
        @Nullable Instant windowStart;
        int failures;
        @Nullable Instant blockedUntil;
    }

    private final TreeMap<String, Bucket> buckets = new TreeMap<>();

    @Override
    public synchronized Failure recordFailure(String bucket, Instant now, Duration window, int threshold,
            Duration backoff) {
        checkBucket(bucket);
        Bucket b = buckets.computeIfAbsent(bucket, k -> new Bucket());
        boolean wasBlocked = b.blockedUntil != null && b.blockedUntil.isAfter(now);
        if (b.windowStart == null || !now.isBefore(b.windowStart.plus(window))) {
            b.windowStart = now;
            b.failures = 0;
        }
        b.failures++;
        if (b.failures >= threshold) {
            b.blockedUntil = now.plus(backoff);
            b.windowStart = null;
            b.failures = 0;
        }
        Optional<Instant> blockedUntil = Optional.ofNullable(b.blockedUntil).filter(until -> until.isAfter(now));
        return new Failure(blockedUntil, blockedUntil.isPresent() && !wasBlocked);
    }

    @Override
    public synchronized Optional<Instant> blockedUntil(String bucket, Instant now) {
        Bucket b = buckets.get(bucket);
        return b != null && b.blockedUntil != null && b.blockedUntil.isAfter(now) ? Optional.of(b.blockedUntil) : Optional.empty();
    }

    @Override
    public synchronized List<Block> blocked(String prefix, Instant now) {
        List<Block> out = new ArrayList<>();
        for (Map.Entry<String, Bucket> e : buckets.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            Instant until = e.getValue().blockedUntil;
            if (until != null && until.isAfter(now)) {
                out.add(new Block(e.getKey(), until));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public synchronized int clear(String prefix) {
        int n = 0;
        var it = buckets.tailMap(prefix, true).entrySet().iterator();
        while (it.hasNext()) {
            if (!it.next().getKey().startsWith(prefix)) {
                break;
            }
            it.remove();
            n++;
        }
        return n;
    }

    @Override
    public synchronized int purge(Instant now, Duration window) {
        int before = buckets.size();
        Instant windowsFrom = now.minus(window);
        buckets.values().removeIf(b -> (b.blockedUntil == null || !b.blockedUntil.isAfter(now))
                && (b.windowStart == null || !b.windowStart.isAfter(windowsFrom)));
        return before - buckets.size();
    }

    private static void checkBucket(String bucket) {
        if (bucket == null || bucket.isEmpty() || bucket.length() > ThrottleStore.MAX_BUCKET_LENGTH || !bucket.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new InvalidInputException("bucket", "1 to " + ThrottleStore.MAX_BUCKET_LENGTH + " printable ASCII characters");
        }
    }

    /** Lifts the throttles under {@code prefix} and appends the audit event in one step, under the tenant's lock. */
    @Override
    public int lift(OrganizationId org, String prefix, IntFunction<AuditEvent> audit) {
        Tenant t = state.requireTenant(org);
        // The tenant's lock, then the throttles': the order every enrollment takes them in.
        synchronized (t) {
            synchronized (this) {
                Map<String, Bucket> kept = new TreeMap<>(buckets.tailMap(prefix, true));
                int n = clear(prefix);
                try {
                    state.appendAudit(t, audit.apply(n));
                } catch (RuntimeException e) {
                    kept.forEach((k, b) -> {
                        if (k.startsWith(prefix)) {
                            buckets.put(k, b);
                        }
                    });
                    throw e;
                }
                return n;
            }
        }
    }
}
