package com.heartbeatrm.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * The real databases of the development machine. Under {@code CI=true} an unreachable PostgreSQL or MariaDB fails
 * the build; elsewhere the tests that need it are skipped with a message that says how to start it.
 */
final class Databases {
    static final boolean CI = "true".equals(System.getenv("CI"));
    static final String PG_URL = System.getProperty("heartbeat.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = System.getProperty("heartbeat.test.postgres.user", "postgres");
    static final String MARIADB_URL = System.getProperty("heartbeat.test.mariadb", "jdbc:mariadb://127.0.0.1:3306/test");
    static final String MARIADB_USER = System.getProperty("heartbeat.test.mariadb.user", "root");
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private Databases() {
    }

    /** A fresh, migrated database (or schema) and its pool; close() drops it. */
    interface Fresh extends AutoCloseable {
        HikariDataSource dataSource();

        @Override
        void close();
    }

    static String uniqueName() {
        return "hbt_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet() + "_" + Long.toHexString(System.nanoTime() & 0xffffff);
    }

    static void requireReachable(String what, String url, String user, String howToStart) {
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            c.isValid(2);
        } catch (SQLException e) {
            String message = what + " is not reachable at " + url + " (" + e.getMessage() + ")";
            if (CI) {
                throw new AssertionError(message + "; CI=true requires it");
            }
            Assumptions.abort(message + ". To run these tests, start it: " + howToStart);
        }
    }

    static HikariDataSource pool(String url, String user, int size) {
        return pool(url, user, size, 60_000);
    }

    static HikariDataSource pool(String url, String user, int size, long connectionTimeoutMillis) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword("");
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(connectionTimeoutMillis);
        return new HikariDataSource(config);
    }

    /** An empty database of the kind named ({@code postgresql}, {@code mariadb}, else H2), not migrated; close() drops it. */
    static Fresh empty(String kind, int poolSize) {
        return switch (kind) {
            case "postgresql" -> postgresEmpty(poolSize);
            case "mariadb" -> mariadbEmpty(poolSize);
            default -> h2Empty(poolSize);
        };
    }

    /** A database of the kind named, with the store's schema. */
    static Fresh migrated(String kind, int poolSize) {
        return migrated(empty(kind, poolSize));
    }

    static Fresh postgres(int poolSize) {
        return migrated(postgresEmpty(poolSize));
    }

    static Fresh mariadb(int poolSize) {
        return migrated(mariadbEmpty(poolSize));
    }

    static Fresh h2(int poolSize) {
        return migrated(h2Empty(poolSize));
    }

    private static Fresh migrated(Fresh empty) {
        try {
            JdbcHeartbeatStore.migrate(empty.dataSource());
            return empty;
        } catch (RuntimeException e) {
            empty.close();
            throw e;
        }
    }

    /** A fresh PostgreSQL schema, the pool's current one, with nothing in it. */
    static Fresh postgresEmpty(int poolSize) {
        requireReachable("PostgreSQL", PG_URL, PG_USER, "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
        String schema = uniqueName();
        exec(PG_URL, PG_USER, "CREATE SCHEMA " + schema);
        HikariDataSource ds = pool(PG_URL + "?currentSchema=" + schema, PG_USER, poolSize);
        return fresh(ds, () -> exec(PG_URL, PG_USER, "DROP SCHEMA " + schema + " CASCADE"));
    }

    /** A fresh MariaDB database with nothing in it. */
    static Fresh mariadbEmpty(int poolSize) {
        requireReachable("MariaDB", MARIADB_URL, MARIADB_USER, "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd");
        String db = uniqueName();
        exec(MARIADB_URL, MARIADB_USER, "CREATE DATABASE " + db);
        String base = MARIADB_URL.substring(0, MARIADB_URL.lastIndexOf('/') + 1);
        HikariDataSource ds = pool(base + db, MARIADB_USER, poolSize);
        return fresh(ds, () -> exec(MARIADB_URL, MARIADB_USER, "DROP DATABASE " + db));
    }

    /** A fresh in-memory H2 database with nothing in it. */
    static Fresh h2Empty(int poolSize) {
        HikariDataSource ds = pool("jdbc:h2:mem:" + uniqueName() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=60000", "sa", poolSize);
        // Closing the pool closes the last connection, and DB_CLOSE_DELAY=-1 keeps it alive until we drop it.
        return fresh(ds, () -> {
            try {
                exec(ds, "DROP ALL OBJECTS");
            } catch (IllegalStateException ignored) {
                // already gone
            }
        });
    }

    private static Fresh fresh(HikariDataSource ds, Runnable drop) {
        return new Fresh() {
            @Override
            public HikariDataSource dataSource() {
                return ds;
            }

            @Override
            public void close() {
                try {
                    drop.run();
                } finally {
                    ds.close();
                }
            }
        };
    }

    static void exec(String url, String user, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static void exec(javax.sql.DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
