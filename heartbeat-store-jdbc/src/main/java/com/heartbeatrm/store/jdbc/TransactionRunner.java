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
    /** Work on a connection; the store's statements. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} atomically and returns its result. A runtime exception or {@link SQLException} from the work
     * must leave nothing of it: rolled back (or, when joined to an outer transaction, that transaction marked
     * rollback-only).
     */
    <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException;

    /** Runs a read; it may use a connection of a surrounding transaction, or a new one in auto-commit mode. */
    <T> T read(DataSource dataSource, Work<T> work) throws SQLException;

    /**
     * True when the next {@link #inTransaction} would join a transaction it did not start: the store then does not
     * retry a serialization failure itself (the outer transaction is already lost) and does not batch concurrent
     * enrollments into one transaction of its own.
     */
    boolean joinsExistingTransaction(DataSource dataSource);

    /** The default: a connection per operation from the data source, committed by the store. */
    static TransactionRunner own() {
        return OwnTransactions.INSTANCE;
    }
}
