package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import java.time.Instant;

/**
 * The audit log. The other repositories append the events of their own changes in the same atomic step; this
 * interface appends stand-alone events (decisions such as refused enrollments) and answers queries.
 */
public interface AuditStore {
    /**
     * Appends a stand-alone event (e.g. a refused enrollment) in a transaction of its own.
     *
     * @param event the event
     * @return the stored record, with its sequence number
     * @throws com.heartbeatrm.core.NotFoundException when the event's organization does not exist
     */
    AuditRecord append(AuditEvent event);

    /**
     * Matching records of one organization, in increasing sequence order.
     *
     * @param query the organization, filters and page
     * @return one page
     */
    Page<AuditRecord> query(AuditQuery query);

    /**
     * Deletes at most {@code limit} (1 to {@value #MAX_DELETE_BATCH}) of the organization's records made before
     * {@code before}, oldest first, in one short transaction of its own; returns how many. Callers repeat it until it
     * returns less than {@code limit}, so no lock is held for long and concurrent callers only share the work.
     *
     * @param org the organization
     * @param before records stamped before this instant are deleted
     * @param limit the most records to delete in this call
     * @return how many were deleted
     */
    int deleteRecordedBefore(OrganizationId org, Instant before, int limit);

    /** The largest batch {@link #deleteRecordedBefore} takes. */
    int MAX_DELETE_BATCH = 10_000;
}
