package com.heartbeatrm.store.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Counts what reaches the database through JDBC: every statement executed, and every commit, explicit or implicit (a
 * statement run in auto-commit mode is a transaction of its own and commits). The statements' text is kept, so a
 * failing count says what ran.
 */
class CountingDataSource implements DataSource {
    private final DataSource delegate;
    final AtomicInteger statements = new AtomicInteger();
    final AtomicInteger commits = new AtomicInteger();
    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    CountingDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    void reset() {
        statements.set(0);
        commits.set(0);
        log.clear();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection real = delegate.getConnection();
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("commit")) {
                commits.incrementAndGet();
                log.add("COMMIT");
            }
            if (name.equals("setAutoCommit") && Boolean.TRUE.equals(args[0]) && !real.getAutoCommit()) {
                // JDBC commits a transaction in progress when auto-commit is switched back on.
                log.add("(auto-commit on)");
            }
            Object result;
            try {
                result = method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof Statement s) {
                String sql = args != null && args.length > 0 && args[0] instanceof String q ? q : null;
                return counting(s, sql, real);
            }
            return result;
        });
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
                if (connection.getAutoCommit()) {
                    commits.incrementAndGet();
                    log.add("(auto-commit)");
                }
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Override
    public Connection getConnection(String u, String p) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return delegate.isWrapperFor(iface);
    }
}
