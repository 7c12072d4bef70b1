package com.heartbeatrm.store.jdbc;

import org.junit.jupiter.api.DisplayName;

@DisplayName("JDBC store conformance: H2")
class H2StoreConformanceTest extends JdbcStoreConformanceTest {
    @Override
    Databases.Fresh freshDatabase() {
        return Databases.h2(16);
    }
}
