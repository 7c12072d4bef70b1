package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.Checks;
import com.heartbeatrm.core.spi.HeartbeatStore;

/** Read access to the audit log. */
public final class AuditLog {
    private final HeartbeatStore store;

    AuditLog(HeartbeatStore store) {
        this.store = store;
    }

    public Page<AuditRecord> query(AuditQuery query) {
        return store.audit().query(Checks.notNull("query", query));
    }
}
