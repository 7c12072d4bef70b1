package com.heartbeatrm.store.jdbc;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Counts what reaches the database through JDBC: every statement executed, and every commit, explicit or implicit (a
 * statement that writes, run in auto-commit mode, is a transaction of its own and commits; a read in auto-commit
 * writes nothing, takes no transaction id and waits for no WAL flush, so it is not counted). The statements' text is
 * kept, so a failing count says what ran.
 */
class CountingDataSource extends InterceptingDataSource {
    final AtomicInteger statements = new AtomicInteger();
    final AtomicInteger commits = new AtomicInteger();
    /** Transactions that may write: explicit commits, and statements that write run in auto-commit mode. */
    final AtomicInteger transactions = new AtomicInteger();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    /** When set, the next commit waits for it (once). */
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CountDownLatch> commitGate =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** Holds the next commit (explicit, or of a write in auto-commit) until the returned latch is counted down (at most a minute). */
    java.util.concurrent.CountDownLatch holdNextCommit() {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        commitGate.set(gate);
        return gate;
    }

    CountingDataSource(DataSource delegate) {
        super(delegate);
    }

    void reset() {
        statements.set(0);
        commits.set(0);
        transactions.set(0);
        log.clear();
    }

    /** What one piece of work sent to the database, and its result. */
    record Counted<T>(T result, int statements, int commits, String log) {
    }

    /** Counts what {@code work} alone sends to the database. */
    <T> Counted<T> count(Callable<T> work) throws Exception {
        reset();
        T result = work.call();
        return new Counted<>(result, statements.get(), commits.get(), String.join("\n", log));
    }

    @Override
    Connection wrap(Connection real) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("commit")) {
                awaitGate();
                commits.incrementAndGet();
                transactions.incrementAndGet();
                log.add("COMMIT");
            }
            if (name.equals("setAutoCommit") && Boolean.TRUE.equals(args[0]) && !real.getAutoCommit()) {
                // JDBC commits a transaction in progress when auto-commit is switched back on.
                log.add("(auto-commit on)");
            }
            Object result = call(real, method, args);
            if (result instanceof Statement s) {
                String sql = args != null && args.length > 0 && args[0] instanceof String q ? q : null;
                return counting(s, sql, real);
            }
            return result;
        });
    }

    private void awaitGate() throws InterruptedException {
        java.util.concurrent.CountDownLatch gate = commitGate.getAndSet(null);
        if (gate != null) {
            gate.await(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** A statement that only reads: a SELECT (a WITH holding INSERT, UPDATE or DELETE writes). */
    private static boolean isRead(@org.jspecify.annotations.Nullable String sql) {
        if (sql == null) {
            return false;
        }
        String s = sql.stripLeading().toUpperCase(java.util.Locale.ROOT);
        return s.startsWith("SELECT") || s.startsWith("SHOW") || (s.startsWith("WITH") && !s.contains("INSERT ") && !s.contains("UPDATE ")
                && !s.contains("DELETE "));
    }

    private Object counting(Statement real, String preparedSql, Connection connection) {
        List<Class<?>> ifaces = new ArrayList<>();
        for (Class<?> c : new Class<?>[] {java.sql.CallableStatement.class, java.sql.PreparedStatement.class, Statement.class}) {
            if (c.isInstance(real)) {
                ifaces.add(c);
                break;
            }
        }
        return Proxy.newProxyInstance(getClass().getClassLoader(), ifaces.toArray(new Class<?>[0]), (proxy, method, args) -> {
            if (method.getName().startsWith("execute")) {
                statements.incrementAndGet();
                String text = args != null && args.length > 0 && args[0] instanceof String q ? q : preparedSql;
                log.add(text);
                if (connection.getAutoCommit() && !isRead(text)) {
                    awaitGate();
                    commits.incrementAndGet();
                    transactions.incrementAndGet();
                    log.add("(auto-commit)");
                }
            }
            return call(real, method, args);
        });
    }
}
