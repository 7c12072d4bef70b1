package com.heartbeatrm.store.jdbc;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Kept apart so that the store loads without Flyway on the class path. */
final class FlywayMigration {
    private FlywayMigration() {
    }

    static void apply(DataSource dataSource, Dialect dialect) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:" + dialect.migrationLocation())
                .table("hb_schema_history")
                .baselineOnMigrate(false)
                .load()
                .migrate();
    }
}
