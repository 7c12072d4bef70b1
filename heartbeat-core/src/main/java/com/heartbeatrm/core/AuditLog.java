package com.heartbeatrm.core;

import com.heartbeatrm.core.spi.HeartbeatStore;
import java.util.Objects;

/** Read access to the audit log. */
public final class AuditLog {
    private final HeartbeatStore store;

    AuditLog(HeartbeatStore store) {
        this.store = store;
    }

    /**
     * Lists audit records, oldest first.
     *
     * @param query the organization, filters and page
     * @return one page of records
     */
    public Page<AuditRecord> query(AuditQuery query) {
        return store.audit().query(Objects.requireNonNull(query, "query"));
    }
}
