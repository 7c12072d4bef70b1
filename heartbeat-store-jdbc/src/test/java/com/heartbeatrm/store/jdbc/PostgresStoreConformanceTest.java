package com.heartbeatrm.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("JDBC store conformance: Postgres")
class PostgresStoreConformanceTest extends JdbcStoreConformanceTest {
    @Override
    Databases.Fresh freshDatabase() {
        return Databases.postgres(16);
    }
}
