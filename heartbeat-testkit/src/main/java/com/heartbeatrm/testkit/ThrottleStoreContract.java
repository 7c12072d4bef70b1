package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.ThrottleStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Throttling: windows, blocks, newly blocked, listing by prefix, lifting, concurrent failures. */
@DisplayName("throttling")
public interface ThrottleStoreContract extends StoreContract {
    /**
     * Contract: failures within a window block the bucket for the back-off period; the failure that blocks says
     * so.
     */
    @Test
    @DisplayName("failures within a window block the bucket for the back-off period; the failure that blocks says so")
    default void throttling() {
        String bucket = "enroll:test-" + Long.toHexString(RANDOM.nextLong());
        Instant t = clock().instant();
        Duration window = Duration.ofMinutes(10);
        Duration backoff = Duration.ofMinutes(15);
        ThrottleStore throttles = store().throttles();
        assertThat(throttles.recordFailure(bucket, t, window, 3, backoff)).isEqualTo(new ThrottleStore.Failure(Optional.empty(), false));
        assertThat(throttles.recordFailure(bucket, t.plusSeconds(1), window, 3, backoff).blockedUntil()).isEmpty();
        assertThat(throttles.blockedUntil(bucket, t.plusSeconds(2))).isEmpty();
        Instant until = t.plusSeconds(2).plus(backoff);
        assertThat(throttles.recordFailure(bucket, t.plusSeconds(2), window, 3, backoff))
                .isEqualTo(new ThrottleStore.Failure(Optional.of(until), true));
        assertThat(throttles.blockedUntil(bucket, t.plusSeconds(3))).contains(until);
        // A failure while blocked is counted, but does not newly block.
        assertThat(throttles.recordFailure(bucket, t.plusSeconds(4), window, 3, backoff).newlyBlocked()).isFalse();
        assertThat(throttles.blockedUntil(bucket, until)).isEmpty();
        // A window that has passed starts counting afresh.
        String other = bucket + "-b";
        throttles.recordFailure(other, t, window, 3, backoff);
        throttles.recordFailure(other, t.plusSeconds(1), window, 3, backoff);
        assertThat(throttles.recordFailure(other, t.plus(window).plusSeconds(5), window, 3, backoff).blockedUntil()).isEmpty();
    }

    /** Contract: a lift and its audit event are one step: both commit, or neither does. */
    @Test
    @DisplayName("a lift and its audit event are one step: both commit, or neither does")
    default void liftWithItsAuditEvent() {
        NewOrganization org = newOrg();
        String key = "key:hbk_" + Long.toHexString(RANDOM.nextLong()) + "@";
        Instant t = clock().instant();
        ThrottleStore throttles = store().throttles();
        throttles.recordFailure(key + "192.0.2.1", t, Duration.ofMinutes(10), 1, Duration.ofMinutes(15));
        throttles.recordFailure(key + "192.0.2.2", t, Duration.ofMinutes(10), 1, Duration.ofMinutes(15));
        assertThatThrownBy(() -> throttles.lift(org.id(), key, n -> {
            throw new IllegalStateException("the audit event cannot be made");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(throttles.blocked(key, t)).as("nothing lifted without its event").hasSize(2);
        int lifted = throttles.lift(org.id(), key, n -> AuditEvent.of(t, org.id(), Actor.SYSTEM, AuditAction.KEY_UNTHROTTLED,
                Subject.of(org.id()), Map.of(), Map.of("lifted", Integer.toString(n))));
        assertThat(lifted).isEqualTo(2);
        assertThat(throttles.blocked(key, t)).isEmpty();
        assertThat(auditOf(org.id())).anySatisfy(r -> {
            assertThat(r.event().action()).isEqualTo(AuditAction.KEY_UNTHROTTLED);
            assertThat(r.event().after()).containsEntry("lifted", "2");
        });
    }

    /**
     * Contract: purge forgets the buckets that hold nothing (no block in force, no failure in the window) and
     * keeps the rest.
     */
    @Test
    @DisplayName("purge forgets the buckets that hold nothing (no block in force, no failure in the window) and keeps the rest")
    default void purge() {
        String prefix = "enroll:purge-" + Long.toHexString(RANDOM.nextLong()) + "-";
        Instant t = clock().instant();
        Duration window = Duration.ofMinutes(10);
        Duration backoff = Duration.ofMinutes(15);
        ThrottleStore throttles = store().throttles();
        throttles.recordFailure(prefix + "idle", t, window, 5, backoff);
        throttles.recordFailure(prefix + "blocked", t, window, 1, backoff);
        throttles.recordFailure(prefix + "recent", t.plus(window), window, 5, backoff);
        Instant now = t.plus(window).plusSeconds(1);
        assertThat(throttles.purge(now, window)).isGreaterThanOrEqualTo(1);
        assertThat(throttles.blocked(prefix, now)).extracting(ThrottleStore.Block::bucket).containsExactly(prefix + "blocked");
        assertThat(throttles.clear(prefix)).as("the blocked and the recent bucket are kept").isEqualTo(2);
    }

    /** Contract: blocked buckets are listed by name prefix and lifted by prefix, leaving others alone. */
    @Test
    @DisplayName("blocked buckets are listed by name prefix and lifted by prefix, leaving others alone")
    default void listAndLift() {
        String key = "key:hbk_" + Long.toHexString(RANDOM.nextLong());
        Instant t = clock().instant();
        ThrottleStore throttles = store().throttles();
        throttles.recordFailure(key + "@192.0.2.1", t, Duration.ofMinutes(10), 1, Duration.ofMinutes(15));
        throttles.recordFailure(key + "@2001:db8:0:0:0:0:0:1", t, Duration.ofMinutes(10), 1, Duration.ofMinutes(15));
        throttles.recordFailure(key + "@192.0.2.9", t, Duration.ofMinutes(10), 5, Duration.ofMinutes(15));
        String unrelated = key + "x@192.0.2.1";
        throttles.recordFailure(unrelated, t, Duration.ofMinutes(10), 1, Duration.ofMinutes(15));

        assertThat(throttles.blocked(key + "@", t.plusSeconds(1))).extracting(ThrottleStore.Block::bucket)
                .containsExactly(key + "@192.0.2.1", key + "@2001:db8:0:0:0:0:0:1");
        assertThat(throttles.blocked(key + "@", t.plus(Duration.ofMinutes(15)))).isEmpty();
        assertThat(throttles.clear(key + "@")).isEqualTo(3);
        assertThat(throttles.blocked(key + "@", t.plusSeconds(1))).isEmpty();
        assertThat(throttles.blockedUntil(unrelated, t.plusSeconds(1))).isPresent();
        assertThat(throttles.clear(key + "@")).isZero();
    }

    /**
     * Contract: concurrent failures are all counted, and exactly one of them blocks.
     *
     * @throws Exception when a racing thread fails or does not finish within two minutes
     */
    @Test
    @DisplayName("concurrent failures are all counted, and exactly one of them blocks")
    default void throttleRace() throws Exception {
        String bucket = "key:race-" + Long.toHexString(RANDOM.nextLong()) + "@192.0.2.7";
        Instant t = clock().instant();
        int threads = Math.min(16, concurrency());
        List<ThrottleStore.Failure> results = runConcurrently(threads,
                () -> store().throttles().recordFailure(bucket, t, Duration.ofMinutes(10), threads, Duration.ofMinutes(1)));
        assertThat(results).filteredOn(ThrottleStore.Failure::newlyBlocked).hasSize(1);
        assertThat(store().throttles().blockedUntil(bucket, t)).isPresent();
    }
}
