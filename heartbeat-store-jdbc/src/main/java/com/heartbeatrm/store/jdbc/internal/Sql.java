package com.heartbeatrm.store.jdbc.internal;

import com.heartbeatrm.core.HeartbeatException;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.store.jdbc.TransactionRunner;
import com.heartbeatrm.store.jdbc.TransactionRunner.Work;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Transactions as callbacks over a host-supplied {@link DataSource}, through a {@link TransactionRunner}, with retry of
 * what is retryable.
 *
 * <p>Serialization failures and deadlocks (SQLSTATE 40001, 40P01; MariaDB errors 1213 and 1205) roll back and re-run
 * the whole callback, a bounded number of times, when the transaction is the store's own; joined to a host's
 * transaction, they surface as a transient {@link StoreException}, since the host's transaction is already lost. A
 * lost connection (SQLSTATE class 08, 57P01 to 57P03), a pool that hands out no connection in time, and any failure
 * without a SQLSTATE are transient too: the database rolled the transaction back and a later call may succeed.
 * Domain errors thrown by the callback (not found, conflicts) roll back and pass through unchanged. Table names of
 * every statement are those of the store's {@link Tables}.
 */
public final class Sql {
    private static final Logger LOG = LoggerFactory.getLogger(Sql.class);
    private static final int MAX_ATTEMPTS = 6;
    private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40P01");
    private static final Set<Integer> RETRYABLE_MARIADB = Set.of(1213, 1205);

    private final DataSource dataSource;
    private final TransactionRunner runner;
    private final Tables tables;
    private final boolean setReadCommitted;

    public Sql(DataSource dataSource, TransactionRunner runner, Tables tables, boolean setReadCommitted) {
        this.dataSource = dataSource;
        this.runner = runner;
        this.tables = tables;
        this.setReadCommitted = setReadCommitted;
    }

    public Tables tables() {
        return tables;
    }

    /** True when a transaction now would be joined to a host's (no retries, no batching of our own). */
    public boolean joinsHostTransaction() {
        return runner.joinsExistingTransaction(dataSource);
    }

    /** Runs {@code work} in one transaction, retrying serialization failures and deadlocks when it is the store's own. */
    public <T> T inTransaction(Work<T> work) {
        boolean joined = runner.joinsExistingTransaction(dataSource);
        for (int attempt = 1; ; attempt++) {
            try {
                return runner.inTransaction(dataSource, c -> {
                    if (setReadCommitted && !joined && c.getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED) {
                        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    }
                    return work.run(tables.wrap(c));
                });
            } catch (SQLException e) {
                if (!joined && isRetryable(e) && attempt < MAX_ATTEMPTS) {
                    LOG.debug("retrying transaction after SQLSTATE {} (attempt {})", e.getSQLState(), attempt);
                    backoff(attempt);
                    continue;
                }
                throw translate(e);
            }
        }
    }

    /** Work in a transaction that returns nothing: it changes rows, or fails. */
    @FunctionalInterface
    public interface Change {
        /** Makes the change on {@code c}, the transaction's connection. */
        void run(Connection c) throws SQLException;
    }

    /** Runs {@code change} in one transaction, retried as {@link #inTransaction} retries. */
    public void inTransactionChange(Change change) {
        inTransaction(c -> {
            change.run(c);
            return Boolean.TRUE;
        });
    }

    /** Runs a read (or a single-statement write) with auto-commit, or in the host's transaction when one is active. */
    public <T> T read(Work<T> work) {
        try {
            return runner.read(dataSource, c -> work.run(tables.wrap(c)));
        } catch (SQLException e) {
            throw translate(e);
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

    /** Serialization failure or deadlock, anywhere in the exception's chain. */
    public static boolean isRetryable(SQLException e) {
        for (SQLException x : chain(e)) {
            String state = x.getSQLState();
            if ((state != null && RETRYABLE_STATES.contains(state)) || RETRYABLE_MARIADB.contains(x.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    public static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState()) || e.getErrorCode() == 1062;
    }

    public static boolean isForeignKeyViolation(SQLException e) {
        String s = e.getSQLState();
        return "23503".equals(s) || "23506".equals(s) || e.getErrorCode() == 1452 || e.getErrorCode() == 1451;
    }

    /**
     * A failure that says nothing against the request: the connection was lost or never came (pool timeout, refused
     * connection), or the driver gave no SQLSTATE at all.
     */
    public static boolean isTransient(SQLException e) {
        for (SQLException x : chain(e)) {
            String s = x.getSQLState();
            if (x instanceof SQLTransientException || s == null || s.startsWith("08") || s.equals("57P01") || s.equals("57P02")
                    || s.equals("57P03")) {
                return true;
            }
        }
        return false;
    }

    private static Iterable<SQLException> chain(SQLException e) {
        List<SQLException> out = new ArrayList<>();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<SQLException> todo = new java.util.ArrayDeque<>();
        todo.add(e);
        while (!todo.isEmpty() && out.size() < 16) {
            SQLException x = todo.poll();
            if (!seen.add(x)) {
                continue;
            }
            out.add(x);
            if (x.getNextException() != null) {
                todo.add(x.getNextException());
            }
            if (x.getCause() instanceof SQLException cause) {
                todo.add(cause);
            }
        }
        return out;
    }

    /** Driver errors as the SPI's typed errors; the message names the SQLSTATE, never a value. */
    public static HeartbeatException translate(SQLException e) {
        if (isRetryable(e)) {
            return new StoreException("transaction kept failing on concurrent updates (SQLSTATE " + e.getSQLState() + ")", true, e);
        }
        if (isTransient(e)) {
            return new StoreException("database unavailable (SQLSTATE " + e.getSQLState() + "); the change was not applied", true, e);
        }
        return new StoreException("database error (SQLSTATE " + e.getSQLState() + ", code " + e.getErrorCode() + ")", false, e);
    }

    // ---- small helpers for statements ----

    public static PreparedStatement prepare(Connection c, String sql, @Nullable Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        bind(ps, params);
        return ps;
    }

    public static void bind(PreparedStatement ps, @Nullable Object... params) throws SQLException {
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

    public static int update(Connection c, String sql, @Nullable Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    /**
     * Runs an update whose constraint violations mean something to the caller: a unique-key violation throws what
     * {@code duplicate} makes, a foreign-key violation what {@code missingReference} makes (either may be null: the
     * violation is then rethrown as it is). Told apart by SQLSTATE and error code, never by message text.
     */
    public static int update(Connection c, @Nullable Supplier<? extends RuntimeException> duplicate,
            @Nullable Supplier<? extends RuntimeException> missingReference,
            String sql, @Nullable Object... params) throws SQLException {
        try {
            return update(c, sql, params);
        } catch (SQLException e) {
            if (duplicate != null && isUniqueViolation(e)) {
                throw duplicate.get();
            }
            if (missingReference != null && isForeignKeyViolation(e)) {
                throw missingReference.get();
            }
            throw e;
        }
    }

    /** Reads one row of a result. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Every row of a query, in order. */
    public static <T> List<T> list(Connection c, Row<T> row, String query, @Nullable Object... params) throws SQLException {
        List<T> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, query, params); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row.map(rs));
            }
        }
        return out;
    }

    /** The first row of a query, if any. */
    public static <T> Optional<T> one(Connection c, Row<T> row, String query, @Nullable Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, query, params); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
        }
    }

    public static boolean exists(Connection c, String query, @Nullable Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, query, params); ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    public static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    public static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    /** A nullable BIGINT column as an instant: null for SQL NULL. */
    public static @Nullable Instant instantOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : instant(v);
    }

    /** A nullable BIGINT column: null for SQL NULL. */
    public static @Nullable Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
