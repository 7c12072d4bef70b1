package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.store.jdbc.TransactionRunner;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs the JDBC store's work inside the application's Spring-managed transaction when one is active: on the
 * connection the transaction holds, without committing, behind a savepoint so that a failure of ours leaves nothing
 * of ours while the host decides its transaction's fate. Outside a transaction, the store's own connection handling.
 */
public final class SpringTransactionRunner implements TransactionRunner {
    private final TransactionRunner own = TransactionRunner.own();

    @Override
    public <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        return joinsExistingTransaction(dataSource) ? onHostConnection(dataSource, c -> behindSavepoint(c, work))
                : own.inTransaction(dataSource, work);
    }

    @Override
    public <T> T read(DataSource dataSource, Work<T> work) throws SQLException {
        return joinsExistingTransaction(dataSource) ? onHostConnection(dataSource, work) : own.read(dataSource, work);
    }

    /** Runs {@code work} on the connection of the host's transaction, handed back to Spring afterwards. */
    private static <T> T onHostConnection(DataSource dataSource, Work<T> work) throws SQLException {
        Connection c = DataSourceUtils.getConnection(dataSource);
        try {
            return work.run(c);
        } finally {
            DataSourceUtils.releaseConnection(c, dataSource);
        }
    }

    /** Runs {@code work} behind a savepoint: a failure rolls back what it did, and only that. */
    private static <T> T behindSavepoint(Connection c, Work<T> work) throws SQLException {
        Savepoint sp = c.setSavepoint();
        try {
            T result = work.run(c);
            c.releaseSavepoint(sp);
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback(sp);
            } catch (SQLException ignored) {
                // the connection is gone; the host's transaction fails with it
            }
            throw e;
        }
    }

    @Override
    public boolean joinsExistingTransaction(DataSource dataSource) {
        return TransactionSynchronizationManager.isActualTransactionActive()
                && TransactionSynchronizationManager.getResource(dataSource) != null;
    }

    @Override
    public String toString() {
        return "SpringTransactionRunner";
    }
}
