package com.heartbeatrm.store.jdbc.internal;

import com.heartbeatrm.core.HeartbeatException;
import com.heartbeatrm.core.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactions as callbacks over a host-supplied {@link DataSource}, with retry of what is retryable.
 *
 * <p>Every change runs in one transaction at READ COMMITTED with explicit row locks where it reads before it
 * writes. Serialization failures and deadlocks (SQLSTATE 40001, 40P01; MariaDB error 1213, lock wait timeout
 * 1205) roll back and re-run the whole callback, a bounded number of times. A lost connection (SQLSTATE class
 * 08, and 57P01 when an administrator terminates the backend) means the database rolled the transaction back;
 * it surfaces as a transient {@link StoreException}, and the next call gets a new connection. Domain errors
 * thrown by the callback (not found, conflicts) roll back and pass through unchanged.
 */
public final class Sql {
    private static final Logger LOG = LoggerFactory.getLogger(Sql.class);
    private static final int MAX_ATTEMPTS = 6;
    private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40P01");
    private static final Set<Integer> RETRYABLE_MARIADB = Set.of(1213, 1205);

    private final DataSource dataSource;

    public Sql(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction, retrying serialization failures and deadlocks. */
    public <T> T inTransaction(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                boolean autoCommit = c.getAutoCommit();
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                } finally {
                    restore(c, autoCommit);
                }
            } catch (SQLException e) {
                if (isRetryable(e) && attempt < MAX_ATTEMPTS) {
                    LOG.debug("retrying transaction after {} (attempt {})", e.getSQLState(), attempt);
                    backoff(attempt);
                    continue;
                }
                throw translate(e);
            }
        }
    }

    /** Runs a read (or a single-statement write) with auto-commit. */
    public <T> T read(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is probably gone; the database rolls back on its own.
        }
    }

    private static void restore(Connection c, boolean autoCommit) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException ignored) {
            // A broken connection is discarded by the pool.
        }
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(Math.min(50, (1L << attempt)) + (long) (Math.random() * 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while retrying a transaction", true, e);
        }
    }

    public static boolean isRetryable(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (RETRYABLE_STATES.contains(x.getSQLState()) || RETRYABLE_MARIADB.contains(x.getErrorCode())) {
                return true;
            }
            if (x.getCause() instanceof SQLException cause && cause != x) {
                x = cause;
            }
        }
        return false;
    }

    public static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062;
    }

    /**
     * True when a unique violation is about a name (a constraint or column whose name contains "name"), not a
     * primary key. Read from the message, because after the error PostgreSQL refuses further statements in the
     * transaction, so the database cannot be asked.
     */
    public static boolean isNameViolation(SQLException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("name_key") || m.contains("sibling_name");
    }

    public static boolean isForeignKeyViolation(SQLException e) {
        String s = e.getSQLState();
        return "23503".equals(s) || "23506".equals(s) || e.getErrorCode() == 1452 || e.getErrorCode() == 1451;
    }

    public static boolean isConnectionLost(SQLException e) {
        String s = e.getSQLState();
        return s != null && (s.startsWith("08") || s.equals("57P01") || s.equals("57P02") || s.equals("57P03"));
    }

    /** Driver errors as the SPI's typed errors; the message names the SQLSTATE, never a value. */
    public static HeartbeatException translate(SQLException e) {
        if (isConnectionLost(e)) {
            return new StoreException("database connection lost (SQLSTATE " + e.getSQLState() + "); the change was not applied", true, e);
        }
        if (isRetryable(e)) {
            return new StoreException("transaction kept failing on concurrent updates (SQLSTATE " + e.getSQLState() + ")", true, e);
        }
        return new StoreException("database error (SQLSTATE " + e.getSQLState() + ", code " + e.getErrorCode() + ")", false, e);
    }

    // ---- small helpers for statements ----

    public static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        bind(ps, params);
        return ps;
    }

    public static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Instant t) {
                ps.setLong(i + 1, nanos(t));
            } else if (p == null) {
                ps.setObject(i + 1, null);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    public static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    public static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    /** A nullable BIGINT column as an instant. */
    public static Instant instantOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : instant(v);
    }

    public static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
