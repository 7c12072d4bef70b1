package com.heartbeatrm.spring.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * The store ({@code heartbeat.store.*}): the JDBC store on the application's DataSource, or the in-memory one when
 * asked for.
 */
public class HeartbeatStoreProperties {
    /**
     * Which store: jdbc (on the application's DataSource; startup fails when there is none) or memory (nothing
     * survives a restart; only for tests and demos).
     */
    private HeartbeatProperties.StoreType type = HeartbeatProperties.StoreType.JDBC;

    /** The prefix of every table of ours. */
    private String tablePrefix = "hb_";

    /** The schema our tables live in; the connection's current schema when empty. */
    private @Nullable String schema;

    /**
     * Whether to apply our schema with Flyway at startup (history table {prefix}schema_history), as one of Spring
     * Boot's database initializers: after the application's own Flyway and Liquibase, before anything reads our
     * tables. Off when the application's Flyway runs our scripts.
     */
    private boolean migrate = true;

    /** The store's settings, with their defaults. */
    public HeartbeatStoreProperties() {
        // every property has its default
    }

    /**
     * Which store: jdbc (on the application's DataSource; startup fails when there is none) or memory (nothing
     * survives a restart; only for tests and demos).
     *
     * @return the store type, {@link HeartbeatProperties.StoreType#JDBC} by default
     */
    public HeartbeatProperties.StoreType getType() {
        return type;
    }

    /**
     * Sets {@code heartbeat.store.type}.
     *
     * @param type the store type
     */
    public void setType(HeartbeatProperties.StoreType type) {
        this.type = type;
    }

    /**
     * The prefix of every table of ours.
     *
     * @return the prefix, {@code hb_} by default
     */
    public String getTablePrefix() {
        return tablePrefix;
    }

    /**
     * Sets {@code heartbeat.store.table-prefix}.
     *
     * @param tablePrefix the prefix of every table
     */
    public void setTablePrefix(String tablePrefix) {
        this.tablePrefix = tablePrefix;
    }

    /**
     * The schema our tables live in; the connection's current schema when empty.
     *
     * @return the schema, or null for the connection's current one
     */
    public @Nullable String getSchema() {
        return schema;
    }

    /**
     * Sets {@code heartbeat.store.schema}.
     *
     * @param schema the schema, or null
     */
    public void setSchema(@Nullable String schema) {
        this.schema = schema;
    }

    /**
     * Whether to apply our schema with Flyway at startup (history table {prefix}schema_history), as one of Spring
     * Boot's database initializers: after the application's own Flyway and Liquibase, before anything reads our
     * tables. Off when the application's Flyway runs our scripts.
     *
     * @return true by default
     */
    public boolean isMigrate() {
        return migrate;
    }

    /**
     * Sets {@code heartbeat.store.migrate}.
     *
     * @param migrate false when the application's Flyway runs our scripts
     */
    public void setMigrate(boolean migrate) {
        this.migrate = migrate;
    }
}
