package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.spi.InstallerStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Each tenant's issued installers. */
final class InMemoryInstallerStore extends OverTenantState implements InstallerStore {
    InMemoryInstallerStore(TenantState state) {
        super(state);
    }

    @Override
    public void insert(InstallerRecord record, AuditEvent audit) {
        state.write(record.organizationId(), t -> {
            if (!t.keys.containsKey(record.accessKeyId())) {
                throw new NotFoundException("access key", record.accessKeyId().value());
            }
            TenantState.requireNew(t.installers, record.id(), "installer id");
            t.installers.put(record.id(), record.withVersion(0));
            state.appendAudit(t, audit);
            return null;
        });
    }

    @Override
    public InstallerRecord update(InstallerRecord changed, long expectedVersion, AuditEvent audit) {
        return state.update(changed.organizationId(), VersionedTable.INSTALLERS, changed.id(), expectedVersion, audit,
                (t, current) -> new InstallerRecord(current.id(), current.organizationId(), current.accessKeyId(),
                        current.signingKeyId(), current.issuedAt(), current.issuedBy(), current.expiresAt(), current.platform(),
                        changed.format(), changed.base(), changed.output(), changed.revoked(), current.maxUses(),
                        current.useCount(), current.version() + 1));
    }

    @Override
    public Optional<InstallerRecord> find(OrganizationId org, InstallerId id) {
        return state.read(org, Optional.empty(), t -> Optional.ofNullable(t.installers.get(id)));
    }

    @Override
    public Page<InstallerRecord> list(OrganizationId org, PageRequest request) {
        return state.read(org, new Page<>(List.of(), Optional.empty()),
                t -> TenantState.page(t.installers.values().stream(), InstallerRecord::issuedAt, r -> r.id().value(), request));
    }

    @Override
    public Page<InstallerRecord> listByKey(OrganizationId org, AccessKeyId key, PageRequest request) {
        return state.read(org, new Page<>(List.of(), Optional.empty()), t -> TenantState.page(
                t.installers.values().stream().filter(r -> r.accessKeyId().equals(key)), InstallerRecord::issuedAt,
                r -> r.id().value(), request));
    }

    @Override
    public List<InstallerRecord> listRetiredBefore(OrganizationId org, Instant before, int limit) {
        Retention.checkBatch(limit, 1000);
        return state.read(org, List.of(), t -> Retention.retired(t.installers.values(), before, limit));
    }

    @Override
    public boolean removeRetired(OrganizationId org, InstallerId id, Instant before, AuditEvent audit) {
        return state.read(org, false, t -> {
            InstallerRecord r = t.installers.get(id);
            if (r == null || !Retention.isRetiredBefore(r, before)) {
                return false;
            }
            t.installers.remove(id);
            state.appendAudit(t, audit);
            return true;
        });
    }
}
