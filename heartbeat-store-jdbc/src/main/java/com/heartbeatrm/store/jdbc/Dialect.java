package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/** The databases the JDBC store supports; each has its own schema scripts and a few statements of its own. */
public enum Dialect {
    POSTGRESQL("postgresql"),
    MARIADB("mariadb"),
    H2("h2");

    private final String folder;

    Dialect(String folder) {
        this.folder = folder;
    }

    /**
     * The clause that share-locks the rows a SELECT reads: concurrent readers go on, a concurrent delete waits.
     * H2 has no shared row locks, so it takes an exclusive one.
     */
    String shareLock() {
        return switch (this) {
            case POSTGRESQL -> " FOR SHARE";
            case MARIADB -> " LOCK IN SHARE MODE";
            case H2 -> " FOR UPDATE";
        };
    }

    /** Where this dialect's versioned schema scripts live on the class path (Flyway {@code classpath:} location). */
    public String migrationLocation() {
        return "com/heartbeatrm/store/jdbc/migration/" + folder;
    }

    /** Tells the dialect from the database product name. */
    public static Dialect detect(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("postgres")) {
                return POSTGRESQL;
            }
            if (product.contains("mariadb") || product.contains("mysql")) {
                return MARIADB;
            }
            if (product.contains("h2")) {
                return H2;
            }
            throw new IllegalArgumentException("unsupported database: " + product);
        } catch (SQLException e) {
            throw new StoreException("cannot connect to detect the database", true, e);
        }
    }
}
