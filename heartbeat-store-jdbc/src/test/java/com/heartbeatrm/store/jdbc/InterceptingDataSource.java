package com.heartbeatrm.store.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A data source whose connections are the delegate's, seen through {@link #wrap}; everything else is the delegate's. */
abstract class InterceptingDataSource implements DataSource {
    final DataSource delegate;

    InterceptingDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** The connection the store gets for {@code real} (typically a proxy that watches it). */
    abstract Connection wrap(Connection real) throws SQLException;

    /**
     * {@code real}, whose prepared statements call {@code beforeExecute} with their text (as the store prepared it,
     * table names rewritten) before each execution.
     */
    static Connection beforeEachExecute(Connection real, Consumer<String> beforeExecute) {
        ClassLoader loader = InterceptingDataSource.class.getClassLoader();
        return (Connection) Proxy.newProxyInstance(loader, new Class<?>[] {Connection.class}, (proxy, method, args) -> {
            Object result = call(real, method, args);
            if (result instanceof PreparedStatement ps && args != null && args.length > 0 && args[0] instanceof String sql) {
                return Proxy.newProxyInstance(loader, new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                    if (m.getName().startsWith("execute")) {
                        beforeExecute.accept(sql);
                    }
                    return call(ps, m, a);
                });
            }
            return result;
        });
    }

    /** Calls {@code method} on {@code target} for a proxy, throwing what the method threw. */
    static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(delegate.getConnection());
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
