package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.core.spi.NonceStore;
import com.heartbeatrm.core.spi.ThrottleStore;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replay nonces and throttle counters. Both are read-modify-write on one row under its row lock; a first insert
 * that races another insert of the same key retries the transaction and then finds the row.
 */
final class JdbcNoncesAndThrottles {
    private JdbcNoncesAndThrottles() {
    }

    /** Marker for "a concurrent insert won; run the transaction again". */
    private static final class InsertRace extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InsertRace() {
            super(null, null, false, false);
        }
    }

    static <T> T retryingInsertRaces(Sql sql, Sql.Work<T> work) {
        for (int attempt = 0; ; attempt++) {
            try {
                return sql.inTransaction(c -> {
                    try {
                        return work.run(c);
                    } catch (SQLException e) {
                        if (Sql.isUniqueViolation(e)) {
                            throw new InsertRace();
                        }
                        throw e;
                    }
                });
            } catch (InsertRace race) {
                if (attempt >= 3) {
                    throw new StoreException("a row kept being inserted concurrently", true, null);
                }
            }
        }
    }

    static final class Nonces implements NonceStore {
        private final Sql sql;
        private final AtomicLong calls = new AtomicLong();

        Nonces(Sql sql) {
            this.sql = sql;
        }

        @Override
        public boolean remember(String nonce, Instant expiresAt, Instant now) {
            if (calls.incrementAndGet() % 1000 == 0) {
                sql.read(c -> Sql.update(c, "DELETE FROM hb_nonce WHERE expires_at <= ?", now));
            }
            return retryingInsertRaces(sql, c -> {
                try (PreparedStatement ps = Sql.prepare(c, "SELECT expires_at FROM hb_nonce WHERE nonce = ? FOR UPDATE", nonce);
                        ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        if (Sql.instant(rs.getLong(1)).isAfter(now)) {
                            return false;
                        }
                        Sql.update(c, "UPDATE hb_nonce SET expires_at = ? WHERE nonce = ?", expiresAt, nonce);
                        return true;
                    }
                }
                Sql.update(c, "INSERT INTO hb_nonce (nonce, expires_at) VALUES (?, ?)", nonce, expiresAt);
                return true;
            });
        }

        @Override
        public boolean isRemembered(String nonce, Instant now) {
            return sql.read(c -> JdbcOrganizations.exists(c, "SELECT 1 FROM hb_nonce WHERE nonce = ? AND expires_at > ?", nonce, now));
        }
    }

    static final class Throttles implements ThrottleStore {
        private final Sql sql;

        Throttles(Sql sql) {
            this.sql = sql;
        }

        @Override
        public Optional<Instant> recordFailure(String bucket, Instant now, Duration window, int threshold, Duration backoff) {
            return retryingInsertRaces(sql, c -> {
                Instant windowStart = null;
                int failures = 0;
                Instant blockedUntil = null;
                boolean exists;
                try (PreparedStatement ps = Sql.prepare(c, "SELECT window_start, failures, blocked_until FROM hb_throttle WHERE bucket = ? FOR UPDATE",
                        bucket); ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                    if (exists) {
                        windowStart = Sql.instantOrNull(rs, "window_start");
                        failures = rs.getInt("failures");
                        blockedUntil = Sql.instantOrNull(rs, "blocked_until");
                    }
                }
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
                if (exists) {
                    Sql.update(c, "UPDATE hb_throttle SET window_start = ?, failures = ?, blocked_until = ? WHERE bucket = ?", windowStart,
                            failures, blockedUntil, bucket);
                } else {
                    Sql.update(c, "INSERT INTO hb_throttle (bucket, window_start, failures, blocked_until) VALUES (?, ?, ?, ?)", bucket,
                            windowStart, failures, blockedUntil);
                }
                return blockedUntil != null && blockedUntil.isAfter(now) ? Optional.of(blockedUntil) : Optional.<Instant>empty();
            });
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
    }
}
