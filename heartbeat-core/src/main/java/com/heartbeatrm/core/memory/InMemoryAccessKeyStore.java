package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.spi.AccessKeyStore;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Each tenant's access keys. */
final class InMemoryAccessKeyStore extends OverTenantState implements AccessKeyStore {
    InMemoryAccessKeyStore(TenantState state) {
        super(state);
    }

    @Override
    public void insert(AccessKey key, AuditEvent audit) {
        state.write(key.organizationId(), t -> {
            t.group(key.groupId());
            TenantState.requireNew(t.keys, key.id(), "access key id");
            t.keys.put(key.id(), key.withVersion(0));
            state.appendAudit(t, audit);
            return null;
        });
    }

    @Override
    public AccessKey update(AccessKey changed, long expectedVersion, AuditEvent audit) {
        return state.update(changed.organizationId(), VersionedTable.KEYS, changed.id(), expectedVersion, audit, (t, current) -> {
            t.group(changed.groupId());
            return current.withName(changed.name()).withGroup(changed.groupId()).withDisabled(changed.disabled())
                    .withVersion(current.version() + 1);
        });
    }

    @Override
    public void delete(OrganizationId org, AccessKeyId id, long expectedVersion, AuditEvent audit) {
        state.delete(org, VersionedTable.KEYS, id, expectedVersion, audit, (t, gone) -> { });
    }

    @Override
    public Optional<AccessKey> find(OrganizationId org, AccessKeyId id) {
        return state.read(org, Optional.empty(), t -> Optional.ofNullable(t.keys.get(id)));
    }

    @Override
    public Page<AccessKey> list(OrganizationId org, PageRequest request) {
        return state.read(org, new Page<>(List.of(), Optional.empty()),
                t -> TenantState.page(t.keys.values().stream(), AccessKey::createdAt, k -> k.id().value(), request));
    }

    @Override
    public List<AccessKey> listByGroup(OrganizationId org, GroupId group) {
        return state.read(org, List.of(), t -> t.keys.values().stream().filter(k -> k.groupId().equals(group))
                .sorted(Comparator.comparing(AccessKey::createdAt).thenComparing(k -> k.id().value())).toList());
    }
}
