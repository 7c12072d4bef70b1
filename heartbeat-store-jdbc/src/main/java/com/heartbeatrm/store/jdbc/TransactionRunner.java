package com.heartbeatrm.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * How the JDBC store gets its connections and transactions. The default ({@link #own()}) takes a connection from the
 * data source for each operation and commits it itself. A host with its own transaction management plugs in an
 * adapter that joins the host's transaction when one is active (the Spring Boot starter does, with Spring's
 * transaction manager): then a change of the store commits or rolls back with the host's work, never on its own.
 */
public interface TransactionRunner {
    /**
     * Work on a connection; the store's statements.
     *
     * @param <T> what the work returns
     */
    @FunctionalInterface
    interface Work<T> {
        /**
         * Runs the statements.
         *
         * @param c the connection, in the transaction when there is one; the work must not close or commit it
         * @return the work's result
         * @throws SQLException when a statement fails; the transaction is then rolled back
         */
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} atomically and returns its result. A runtime exception or {@link SQLException} from the work
     * must leave nothing of it: rolled back (or, when joined to an outer transaction, that transaction marked
     * rollback-only).
     *
     * @param <T> what the work returns
     * @param dataSource where connections come from
     * @param work the store's statements
     * @return what the work returned, after the commit (or inside the host's transaction, before its commit)
     * @throws SQLException when the work, the commit or getting a connection fails
     */
    <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException;

    /**
     * Runs a read; it may use a connection of a surrounding transaction, or a new one in auto-commit mode.
     *
     * @param <T> what the work returns
     * @param dataSource where connections come from
     * @param work the store's statements; reads, or one write that needs no transaction
     * @return what the work returned
     * @throws SQLException when the work or getting a connection fails
     */
    <T> T read(DataSource dataSource, Work<T> work) throws SQLException;

    /**
     * True when the next {@link #inTransaction} would join a transaction it did not start: the store then does not
     * retry a serialization failure itself (the outer transaction is already lost) and does not batch concurrent
     * enrollments into one transaction of its own.
     *
     * @param dataSource the data source the store uses
     * @return true when a transaction the store did not start is active on this thread for {@code dataSource}
     */
    boolean joinsExistingTransaction(DataSource dataSource);

    /**
     * The default: a connection per operation from the data source, committed by the store.
     *
     * @return the shared, stateless runner; it never joins a transaction
     */
    static TransactionRunner own() {
        return OwnTransactions.INSTANCE;
    }
}
