package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import javax.sql.DataSource;

/**
 * The only class here that names the JDBC store, so that the rest loads without heartbeat-store-jdbc on the class
 * path: a type in a bean's signature is loaded when Spring matches beans by type.
 */
final class JdbcStores {
    static final String CLASS_NAME = "com.heartbeatrm.store.jdbc.JdbcHeartbeatStore";

    private JdbcStores() {
    }

    static HeartbeatStore create(DataSource dataSource, HeartbeatStoreProperties properties) {
        return builder(dataSource, properties).transactions(new SpringTransactionRunner()).build();
    }

    static void migrate(DataSource dataSource, HeartbeatStoreProperties properties) {
        builder(dataSource, properties).build().migrate();
    }

    private static JdbcHeartbeatStore.Builder builder(DataSource dataSource, HeartbeatStoreProperties properties) {
        JdbcHeartbeatStore.Builder b = JdbcHeartbeatStore.builder(dataSource).tablePrefix(properties.getTablePrefix());
        String schema = properties.getSchema();
        if (schema != null && !schema.isBlank()) {
            b.schema(schema);
        }
        return b;
    }
}
