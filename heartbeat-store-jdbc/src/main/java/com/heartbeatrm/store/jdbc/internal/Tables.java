package com.heartbeatrm.store.jdbc.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The store's table names: a prefix ({@code hb_} by default) and an optional schema. The store's statements are
 * written with the default names; when the host chose others, a thin wrapper around each connection rewrites them
 * as they are prepared (once per statement text: the result is cached). With the defaults, connections are not
 * wrapped at all.
 */
public final class Tables {
    public static final String DEFAULT_PREFIX = "hb_";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,29}");
    private static final Pattern TABLE = Pattern.compile("(?<![A-Za-z0-9_.])hb_(organization|group|access_key|agent|installer|audit"
            + "|signing_key|signing_lock|nonce|throttle|attestation_ca|endorsement_key)(?![A-Za-z0-9_])");
    private final String prefix;
    private final Optional<String> schema;
    private final String qualified;
    /** The most statement texts kept rewritten. */
    public static final int MAX_REWRITTEN = 2048;
    private final Map<String, String> rewritten = new ConcurrentHashMap<>();

    private Tables(String prefix, Optional<String> schema) {
        this.prefix = prefix;
        this.schema = schema;
        this.qualified = schema.map(s -> s + ".").orElse("") + prefix;
    }

    /** Checks a prefix (lower case letters, digits, underscores, ending in {@code _}) and a schema name (or empty). */
    public static Tables of(String prefix, Optional<String> schema) {
        if (prefix == null || !prefix.endsWith("_") || !NAME.matcher(prefix).matches()) {
            throw new IllegalArgumentException("tablePrefix: 1 to 30 of a-z, 0-9 and _, starting with a letter and ending in _");
        }
        schema.ifPresent(s -> {
            if (!NAME.matcher(s).matches()) {
                throw new IllegalArgumentException("schema: 1 to 30 of a-z, 0-9 and _, starting with a letter");
            }
        });
        return new Tables(prefix, schema);
    }

    public static Tables defaults() {
        return new Tables(DEFAULT_PREFIX, Optional.empty());
    }

    public String prefix() {
        return prefix;
    }

    public Optional<String> schema() {
        return schema;
    }

    public boolean isDefault() {
        return qualified.equals(DEFAULT_PREFIX);
    }

    /** Statement texts kept rewritten (at most {@link #MAX_REWRITTEN}). */
    public int rewrittenKept() {
        return rewritten.size();
    }

    /** A statement with this store's table names. */
    public String sql(String statement) {
        if (isDefault()) {
            return statement;
        }
        String done = rewritten.get(statement);
        if (done != null) {
            return done;
        }
        done = TABLE.matcher(statement).replaceAll(Matcher.quoteReplacement(qualified) + "$1");
        // Bounded: the texts of batch statements vary with their members (sizes, installers, throttle buckets).
        if (rewritten.size() < MAX_REWRITTEN) {
            rewritten.putIfAbsent(statement, done);
        }
        return done;
    }

    /** The connection, rewriting the table names of what it prepares (the connection itself when the names are the defaults). */
    public Connection wrap(Connection c) {
        if (isDefault()) {
            return c;
        }
        InvocationHandler h = (proxy, method, args) -> invoke(c, method, args);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, h);
    }

    private Object invoke(Connection c, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (args != null && args.length > 0 && args[0] instanceof String s
                && (name.equals("prepareStatement") || name.equals("prepareCall") || name.equals("nativeSQL"))) {
            args[0] = sql(s);
        }
        try {
            return method.invoke(c, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public String toString() {
        return qualified + "*";
    }
}
