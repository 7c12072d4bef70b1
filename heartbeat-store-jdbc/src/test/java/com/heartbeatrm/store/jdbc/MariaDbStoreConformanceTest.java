package com.heartbeatrm.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("JDBC store conformance: MariaDb")
class MariaDbStoreConformanceTest extends JdbcStoreConformanceTest {
    @Override
    Databases.Fresh freshDatabase() {
        return Databases.mariadb(16);
    }
}
