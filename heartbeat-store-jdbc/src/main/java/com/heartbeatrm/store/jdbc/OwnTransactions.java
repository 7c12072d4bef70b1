package com.heartbeatrm.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The store's own connection handling: one connection per operation, auto-commit off for a transaction, committed here. */
final class OwnTransactions implements TransactionRunner {
    static final OwnTransactions INSTANCE = new OwnTransactions();

    private OwnTransactions() {
    }

    @Override
    public <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                if (autoCommit) {
                    restore(c);
                }
            }
        }
    }

    @Override
    public <T> T read(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        }
    }

    @Override
    public boolean joinsExistingTransaction(DataSource dataSource) {
        return false;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is probably gone; the database rolls back on its own.
        }
    }

    private static void restore(Connection c) {
        try {
            if (!c.isClosed()) {
                c.setAutoCommit(true);
            }
        } catch (SQLException ignored) {
            // A broken connection is discarded by the pool.
        }
    }

    @Override
    public String toString() {
        return "TransactionRunner.own()";
    }
}
