package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.Page;

/**
 * The audit log. The other repositories append the events of their own changes in the same atomic step; this
 * interface appends stand-alone events (decisions such as refused enrollments) and answers queries.
 */
public interface AuditStore {
    AuditRecord append(AuditEvent event);

    /** Matching records of one organization, in increasing sequence order. */
    Page<AuditRecord> query(AuditQuery query);
}
