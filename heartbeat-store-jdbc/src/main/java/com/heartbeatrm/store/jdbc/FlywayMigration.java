package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.StoreException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Kept apart so that the store loads without Flyway on the class path.
 *
 * <p>Flyway locks its history table while it migrates, but not while it creates that table or writes a baseline into
 * it: two nodes starting at once on an empty schema can both try to create or baseline it, and the loser fails. A lock
 * of our own would need a connection held beside Flyway's two, more than a small pool may have. So the loser tries
 * again after a pause: by then the winner's history is there, and the second run finds every version applied. Nodes of
 * one JVM also take turns on an in-process lock, which makes the common case (tests, one process with several stores)
 * deterministic.
 */
final class FlywayMigration {
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();
    private static final int ATTEMPTS = 6;

    private FlywayMigration() {
    }

    static void apply(DataSource dataSource, Dialect dialect, String prefix, Optional<String> schema) {
        FluentConfiguration config = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:" + dialect.migrationLocation())
                .failOnMissingLocations(true)
                // A history table of our own: our versions never meet the host's.
                .table(prefix + "schema_history")
                // A schema that already holds the host's tables (but no history of ours) gets a baseline below our first
                // version, so that every script of ours still runs.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("before the HeartbeatRM schema")
                .placeholders(Map.of("heartbeat_prefix", prefix));
        // Flyway quotes the schema name; H2 folds our unquoted names to upper case, so it gets the upper-case name.
        schema.map(s -> dialect == Dialect.H2 ? s.toUpperCase(Locale.ROOT) : s).ifPresent(s -> config.schemas(s).defaultSchema(s).createSchemas(true));
        Flyway flyway = config.load();
        IN_PROCESS.lock();
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    flyway.migrate();
                    return;
                } catch (FlywayException e) {
                    if (String.valueOf(e.getMessage()).startsWith("Unsupported Database")) {
                        throw new StoreException("migration failed: Flyway cannot migrate " + dialect + " without "
                                + supportModule(dialect) + " on the class path (Flyway 10 and later support each database in a module"
                                + " of its own)", false, e);
                    }
                    boolean connection = lostConnection(e);
                    if (attempt == ATTEMPTS || connection) {
                        throw new StoreException("migration failed: " + e.getMessage(), connection, e);
                    }
                    pause(attempt);
                }
            }
        } finally {
            IN_PROCESS.unlock();
        }
    }

    /** The Flyway module that supports the database (H2's support is in flyway-core). */
    static String supportModule(Dialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> "org.flywaydb:flyway-database-postgresql";
            case MARIADB -> "org.flywaydb:flyway-mysql";
            case H2 -> "org.flywaydb:flyway-core";
        };
    }

    /** No connection, or a lost one: trying again here would only wait again. */
    private static boolean lostConnection(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(200L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting to retry the migration", false, e);
        }
    }
}
