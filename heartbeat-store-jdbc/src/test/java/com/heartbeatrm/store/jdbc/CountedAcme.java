package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;

/** A fresh migrated database whose statements are counted, one {@link Node} over it and one organization, Acme MSP. */
final class CountedAcme implements AutoCloseable {
    private final Databases.Fresh fresh;
    final CountingDataSource counting;
    final Node node;
    final NewOrganization org;

    CountedAcme(String db, Actor admin) {
        fresh = Databases.migrated(db, 4);
        counting = new CountingDataSource(fresh.dataSource());
        node = new Node(counting);
        org = node.admin.organizations().setUp(admin, "Acme MSP");
    }

    @Override
    public void close() {
        fresh.close();
    }
}
