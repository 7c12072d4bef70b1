package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.core.spi.ThrottleStore;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Throttle counters: read-modify-write of one row under its row lock. A first insert that races another insert of
 * the same bucket runs the transaction again and then finds the row.
 */
final class JdbcThrottles implements ThrottleStore {
    private final Sql sql;

    JdbcThrottles(Sql sql) {
        this.sql = sql;
    }

    /** Marker for "a concurrent insert won; run the transaction again". */
    private static final class InsertRace extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InsertRace() {
            super(null, null, false, false);
        }
    }

    @Override
    public Failure recordFailure(String bucket, Instant now, Duration window, int threshold, Duration backoff) {
        check(bucket);
        for (int attempt = 0; ; attempt++) {
            try {
                return sql.inTransaction(c -> {
                    Instant windowStart = null;
                    int failures = 0;
                    Instant blockedUntil = null;
                    boolean exists;
                    try (PreparedStatement ps = Sql.prepare(c, "SELECT window_start, failures, blocked_until FROM hb_throttle WHERE bucket = ?"
                            + " FOR UPDATE", bucket); ResultSet rs = ps.executeQuery()) {
                        exists = rs.next();
                        if (exists) {
                            windowStart = Sql.instantOrNull(rs, "window_start");
                            failures = rs.getInt("failures");
                            blockedUntil = Sql.instantOrNull(rs, "blocked_until");
                        }
                    }
                    boolean wasBlocked = blockedUntil != null && blockedUntil.isAfter(now);
                    if (windowStart == null || !now.isBefore(windowStart.plus(window))) {
                        windowStart = now;
                        failures = 0;
                    }
                    failures++;
                    if (failures >= threshold) {
                        blockedUntil = now.plus(backoff);
                        windowStart = null;
                        failures = 0;
                    }
                    try {
                        if (exists) {
                            Sql.update(c, "UPDATE hb_throttle SET window_start = ?, failures = ?, blocked_until = ? WHERE bucket = ?", windowStart,
                                    failures, blockedUntil, bucket);
                        } else {
                            Sql.update(c, "INSERT INTO hb_throttle (bucket, window_start, failures, blocked_until) VALUES (?, ?, ?, ?)", bucket,
                                    windowStart, failures, blockedUntil);
                        }
                    } catch (SQLException e) {
                        if (Sql.isUniqueViolation(e)) {
                            throw new InsertRace();
                        }
                        throw e;
                    }
                    Optional<Instant> blocked = Optional.ofNullable(blockedUntil).filter(until -> until.isAfter(now));
                    return new Failure(blocked, blocked.isPresent() && !wasBlocked);
                });
            } catch (InsertRace race) {
                if (attempt >= 3) {
                    throw new StoreException("a throttle row kept being inserted concurrently", true, race);
                }
            }
        }
    }

    @Override
    public Optional<Instant> blockedUntil(String bucket, Instant now) {
        return sql.read(c -> {
            try (PreparedStatement ps = Sql.prepare(c, "SELECT blocked_until FROM hb_throttle WHERE bucket = ?", bucket);
                    ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    Instant until = Sql.instantOrNull(rs, "blocked_until");
                    return until != null && until.isAfter(now) ? Optional.of(until) : Optional.<Instant>empty();
                }
                return Optional.<Instant>empty();
            }
        });
    }

    @Override
    public List<Block> blocked(String prefix, Instant now) {
        check(prefix);
        return sql.read(c -> {
            return List.copyOf(Sql.list(c, rs -> new Block(rs.getString(1), Sql.instant(rs.getLong(2))),
                    "SELECT bucket, blocked_until FROM hb_throttle WHERE bucket LIKE ? ESCAPE '!' AND blocked_until > ? ORDER BY bucket",
                    like(prefix), now));
        });
    }

    @Override
    public int clear(String prefix) {
        check(prefix);
        return sql.inTransaction(c -> Sql.update(c, "DELETE FROM hb_throttle WHERE bucket LIKE ? ESCAPE '!'", like(prefix)));
    }

    @Override
    public int lift(OrganizationId org, String prefix, IntFunction<AuditEvent> audit) {
        check(prefix);
        return sql.inTransaction(c -> {
            int n = Sql.update(c, "DELETE FROM hb_throttle WHERE bucket LIKE ? ESCAPE '!'", like(prefix));
            AuditEvent event = audit.apply(n);
            if (!event.organizationId().equals(org)) {
                throw new InvalidInputException("audit", "event belongs to another organization");
            }
            JdbcAudit.insert(c, event);
            return n;
        });
    }

    @Override
    public int purge(Instant now, Duration window) {
        return sql.inTransaction(c -> Sql.update(c, "DELETE FROM hb_throttle WHERE (blocked_until IS NULL OR blocked_until <= ?)"
                + " AND (window_start IS NULL OR window_start <= ?)", now, now.minus(window)));
    }

    /** A LIKE pattern for names that start with {@code prefix}, whatever the column's collation. */
    private static String like(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    private static void check(String bucket) {
        if (bucket == null || bucket.isEmpty() || bucket.length() > MAX_BUCKET_LENGTH || !bucket.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            throw new InvalidInputException("bucket", "1 to " + MAX_BUCKET_LENGTH + " printable ASCII characters");
        }
    }
}
