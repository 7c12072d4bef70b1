package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import javax.sql.DataSource;

/** The databases the JDBC store supports; each has its own schema scripts and a few statements of its own. */
public enum Dialect {
    /** PostgreSQL 15 or later. */
    POSTGRESQL("postgresql"),
    /** MariaDB 10.11 or later (MySQL is told apart from it by name, but not tested). */
    MARIADB("mariadb"),
    /** H2 2.x, for tests and single-node setups. */
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

    /**
     * Remembers a replay nonce unless it is already remembered and not expired; false, changing nothing, for a live
     * nonce. A replay is told by a row count, never by an error (which would abort a PostgreSQL transaction).
     */
    boolean rememberNonce(Connection c, String nonce, Instant expiresAt, Instant now) throws SQLException {
        return switch (this) {
            case POSTGRESQL -> Sql.update(c, "INSERT INTO hb_nonce (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO UPDATE"
                    + " SET expires_at = EXCLUDED.expires_at WHERE hb_nonce.expires_at <= ?", nonce, expiresAt, now) == 1;
            case H2 -> Sql.update(c, "MERGE INTO hb_nonce t USING (VALUES (CAST(? AS VARCHAR(200)), CAST(? AS BIGINT))) s(nonce, expires_at)"
                    + " ON t.nonce = s.nonce WHEN MATCHED AND t.expires_at <= ? THEN UPDATE SET expires_at = s.expires_at"
                    + " WHEN NOT MATCHED THEN INSERT (nonce, expires_at) VALUES (s.nonce, s.expires_at)", nonce, Sql.nanos(expiresAt), now) == 1;
            // MariaDB reports matched rather than changed rows unless the host's URL asks otherwise, so no upsert count.
            case MARIADB -> {
                Sql.update(c, "DELETE FROM hb_nonce WHERE nonce = ? AND expires_at <= ?", nonce, now);
                yield Sql.update(c, "INSERT IGNORE INTO hb_nonce (nonce, expires_at) VALUES (?, ?)", nonce, expiresAt) == 1;
            }
        };
    }

    /**
     * True when one locking read can lock the agent row and join its organization and group without locking them
     * ({@code FOR UPDATE OF}); elsewhere the renewal step locks the agent alone and reads the rest with a second statement.
     */
    boolean locksOneTableOfAJoin() {
        return this == POSTGRESQL;
    }

    /** True when the store sets READ COMMITTED itself on its own transactions (PostgreSQL's default already is). */
    boolean setsReadCommitted() {
        return this != POSTGRESQL;
    }

    /**
     * True when inserting a row that references a group must first share-lock the group row against a concurrent
     * delete: where the foreign-key check alone does not (H2).
     */
    boolean locksReferencedGroup() {
        return this == H2;
    }

    /**
     * Where this dialect's versioned schema scripts live on the class path.
     *
     * @return the resource folder, without {@code classpath:} (Flyway's location is that prefix and this)
     */
    public String migrationLocation() {
        return "com/heartbeatrm/store/jdbc/migration/" + folder;
    }

    /**
     * Tells the dialect from the database product name; borrows one connection and returns it.
     *
     * @param dataSource the data source the store will use
     * @return the dialect
     * @throws StoreException when no connection can be had (transient)
     * @throws IllegalArgumentException when the database is none of these
     */
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
