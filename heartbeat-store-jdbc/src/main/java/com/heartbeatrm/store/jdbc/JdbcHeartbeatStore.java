package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.core.spi.AbstractHeartbeatStore;
import com.heartbeatrm.store.jdbc.internal.Sql;
import com.heartbeatrm.store.jdbc.internal.Tables;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The storage SPI over a {@link DataSource} the host supplies (the library has no pool of its own): PostgreSQL 15,
 * MariaDB 10.11 and H2 2.x. Several server nodes may share one database: every atomic step is one transaction guarded
 * by row locks and conditional updates, and nothing that can change is cached, so a change made through one node is
 * what every node reads next. Concurrent enrollments on one access key are batched into one transaction, so that a
 * key every computer of a Group Policy push uses is not one commit at a time.
 *
 * <pre>{@code
 * JdbcHeartbeatStore store = JdbcHeartbeatStore.builder(dataSource)
 *         .tablePrefix("hb_")                      // the default
 *         .schema("heartbeat")                     // optional: qualify every table
 *         .transactions(TransactionRunner.own())   // the default; the Spring Boot starter joins Spring's transactions
 *         .build();
 * store.migrate();                                 // optional: applies the schema with Flyway, history in hb_schema_history
 * }</pre>
 * The schema scripts are also plain resources ({@link Dialect#migrationLocation()}) for the host's own Flyway or
 * Liquibase; their object names start with the placeholder {@code ${heartbeat_prefix}}.
 */
public final class JdbcHeartbeatStore extends AbstractHeartbeatStore {
    private final DataSource dataSource;
    private final Dialect dialect;
    private final Tables tables;

    private JdbcHeartbeatStore(Builder b) {
        this(b, b.dialect != null ? b.dialect : Dialect.detect(b.dataSource), Tables.of(b.tablePrefix, b.schema));
    }

    private JdbcHeartbeatStore(Builder b, Dialect dialect, Tables tables) {
        this(b, dialect, tables, new Sql(b.dataSource, b.runner, tables, dialect.setsReadCommitted()));
    }

    private JdbcHeartbeatStore(Builder b, Dialect dialect, Tables tables, Sql sql) {
        super(new JdbcOrganizations(sql), new JdbcGroups(sql), new JdbcKeys(sql, dialect), new JdbcAgents(sql, dialect, b.batching),
                new JdbcAudit(sql), new JdbcInstallers(sql), new JdbcSigningKeys(sql), new JdbcThrottles(sql), new JdbcAttestationTrust(sql));
        this.dataSource = b.dataSource;
        this.dialect = dialect;
        this.tables = tables;
    }

    /**
     * A builder over {@code dataSource}; the dialect is detected from the database unless given.
     *
     * @param dataSource the host's pool; the store borrows a connection per operation and never closes the pool
     * @return a builder; not thread-safe
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * A store over {@code dataSource} with the default table names and its own transactions.
     *
     * @param dataSource the host's pool; one connection is borrowed now to detect the dialect
     * @return a thread-safe store; the schema must be in place ({@link #migrate()})
     */
    public static JdbcHeartbeatStore create(DataSource dataSource) {
        return builder(dataSource).build();
    }

    /**
     * Applies the default schema with Flyway ({@code hb_} tables, history in {@code hb_schema_history}); see
     * {@link #migrate()}.
     *
     * @param dataSource the pool to migrate through
     */
    public static void migrate(DataSource dataSource) {
        create(dataSource).migrate();
    }

    /**
     * Applies this store's schema with Flyway (an optional dependency: add {@code org.flywaydb:flyway-core}, plus
     * {@code flyway-database-postgresql} or {@code flyway-mysql}), in this store's schema and with its table prefix, with
     * a history table of its own ({@code <prefix>schema_history}), so it never mixes with the host's migrations. On a
     * schema that already holds other tables it baselines at version 0 and applies every script. Safe when several
     * nodes start at once: Flyway takes a database lock while it migrates.
     */
    public void migrate() {
        try {
            Class.forName("org.flywaydb.core.Flyway");
        } catch (ClassNotFoundException e) {
            throw new StoreException("migrate() needs Flyway on the class path (org.flywaydb:flyway-core); or apply the scripts under "
                    + dialect.migrationLocation() + " yourself", false, e);
        }
        FlywayMigration.apply(dataSource, dialect, tables.prefix(), tables.schema());
    }

    /**
     * The database this store speaks to.
     *
     * @return the dialect given to the builder or detected
     */
    public Dialect dialect() {
        return dialect;
    }

    /**
     * The table name prefix.
     *
     * @return the prefix of every table, index and constraint name, {@code hb_} by default
     */
    public String tablePrefix() {
        return tables.prefix();
    }

    /**
     * The schema the tables are in.
     *
     * @return the schema given to the builder; empty: the connection's current schema
     */
    public Optional<String> schema() {
        return tables.schema();
    }

    @Override
    public String toString() {
        return "JdbcHeartbeatStore[" + dialect + ", " + tables + "]";
    }

    /** Configures a {@link JdbcHeartbeatStore}; every setter checks its value at once. Not thread-safe. */
    public static final class Builder {
        private final DataSource dataSource;
        /** Null: detected from the data source. */
        private @Nullable Dialect dialect;
        private String tablePrefix = Tables.DEFAULT_PREFIX;
        private Optional<String> schema = Optional.empty();
        private TransactionRunner runner = TransactionRunner.own();
        private boolean batching = true;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /**
         * The database, when it should not be detected from the data source.
         *
         * @param d the dialect
         * @return this builder
         */
        public Builder dialect(Dialect d) {
            this.dialect = Objects.requireNonNull(d, "dialect");
            return this;
        }

        /**
         * The prefix of every table, index and constraint name; {@code hb_} by default.
         *
         * @param prefix 1 to 30 of {@code a-z 0-9 _}, starting with a letter and ending in {@code _}
         * @return this builder
         * @throws IllegalArgumentException when the prefix is of another form
         */
        public Builder tablePrefix(String prefix) {
            Tables.of(prefix, Optional.empty());
            this.tablePrefix = prefix;
            return this;
        }

        /**
         * Qualifies every table with this schema; by default the connection's current schema.
         *
         * @param schemaName 1 to 30 of {@code a-z 0-9 _}, starting with a letter
         * @return this builder
         * @throws IllegalArgumentException when the name is of another form
         */
        public Builder schema(String schemaName) {
            Tables.of(Tables.DEFAULT_PREFIX, Optional.of(schemaName));
            this.schema = Optional.of(schemaName);
            return this;
        }

        /**
         * How the store gets connections and transactions; {@link TransactionRunner#own()} by default.
         *
         * @param r the runner; a host's adapter joins the host's transactions
         * @return this builder
         */
        public Builder transactions(TransactionRunner r) {
            this.runner = Objects.requireNonNull(r, "runner");
            return this;
        }

        /**
         * Whether concurrent enrollments on one access key share a transaction (on by default; see the design note of
         * the key lanes in the source). Enrollments inside a host's transaction never do.
         *
         * @param on false to run every enrollment in a transaction of its own
         * @return this builder
         */
        public Builder batchEnrollments(boolean on) {
            this.batching = on;
            return this;
        }

        /**
         * The store; borrows one connection to detect the dialect unless one was given.
         *
         * @return a thread-safe store
         */
        public JdbcHeartbeatStore build() {
            return new JdbcHeartbeatStore(this);
        }
    }
}
