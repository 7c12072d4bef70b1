package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.testkit.HeartbeatStoreConformanceKit;
import java.util.IdentityHashMap;
import java.util.Map;

/** The conformance kit against the JDBC store, one subclass per database; each test gets a fresh, migrated database. */
abstract class JdbcStoreConformanceTest extends HeartbeatStoreConformanceKit {
    private final Map<HeartbeatStore, Databases.Fresh> open = new IdentityHashMap<>();

    abstract Databases.Fresh freshDatabase();

    @Override
    protected HeartbeatStore newStore() {
        Databases.Fresh fresh = freshDatabase();
        JdbcHeartbeatStore s = JdbcHeartbeatStore.create(fresh.dataSource());
        open.put(s, fresh);
        return s;
    }

    @Override
    protected void closeStore(HeartbeatStore closing) {
        Databases.Fresh fresh = open.remove(closing);
        if (fresh != null) {
            fresh.close();
        }
    }
}
