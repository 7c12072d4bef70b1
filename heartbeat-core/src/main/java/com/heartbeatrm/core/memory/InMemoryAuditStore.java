package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.spi.AuditStore;
import com.heartbeatrm.core.spi.Cursors;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Each tenant's audit records, numbered by one store-wide sequence. */
final class InMemoryAuditStore extends OverTenantState implements AuditStore {
    InMemoryAuditStore(TenantState state) {
        super(state);
    }

    @Override
    public AuditRecord append(AuditEvent event) {
        return state.write(event.organizationId(), t -> {
            state.appendAudit(t, event);
            return t.audit.get(t.audit.size() - 1);
        });
    }

    @Override
    public Page<AuditRecord> query(AuditQuery query) {
        return state.read(query.organizationId(), new Page<>(List.of(), Optional.empty()), t -> {
            long after = query.page().after().map(Cursors::parseSequence).orElse(0L);
            List<AuditRecord> taken = t.audit.stream().filter(r -> r.sequence() > after && query.matches(r.event()))
                    .limit(query.page().limit() + 1L).toList();
            if (taken.size() > query.page().limit()) {
                List<AuditRecord> items = taken.subList(0, query.page().limit());
                return new Page<>(items, Optional.of(Cursors.ofSequence(items.get(items.size() - 1).sequence())));
            }
            return new Page<>(taken, Optional.empty());
        });
    }

    @Override
    public int deleteRecordedBefore(OrganizationId org, Instant before, int limit) {
        Retention.checkBatch(limit, MAX_DELETE_BATCH);
        return state.read(org, 0, t -> Retention.removeOldest(t.audit, r -> r.event().at().isBefore(before), limit));
    }
}
