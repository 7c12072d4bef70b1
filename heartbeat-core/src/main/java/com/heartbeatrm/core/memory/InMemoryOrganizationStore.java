package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.spi.OrganizationSetup;
import com.heartbeatrm.core.spi.OrganizationStore;
import java.util.Optional;
import java.util.TreeMap;

/** Organizations and the store-wide name index; creating one sets up its tenant (root group, default key, audit). */
final class InMemoryOrganizationStore extends OverTenantState implements OrganizationStore {
    InMemoryOrganizationStore(TenantState state) {
        super(state);
    }

    @Override
    public void create(OrganizationSetup setup) {
        Organization org = setup.organization();
        synchronized (state.orgsByNameKey) {
            if (state.orgsByNameKey.containsKey(org.nameKey())) {
                throw new DuplicateNameException("organization", org.name());
            }
            if (state.tenants.containsKey(org.id())) {
                throw new ConflictException("organization id already exists: " + org.id());
            }
            Tenant t = new Tenant(org);
            synchronized (t) {
                Group root = setup.rootGroup().withVersion(0);
                t.groups.put(root.id(), root);
                t.children.put(root.id(), new TreeMap<>());
                t.keys.put(setup.defaultKey().id(), setup.defaultKey().withVersion(0));
                for (AuditEvent e : setup.audit()) {
                    state.appendAudit(t, e);
                }
            }
            state.orgsByNameKey.put(org.nameKey(), org.id());
            state.tenants.put(org.id(), t);
        }
    }

    @Override
    public Optional<Organization> find(OrganizationId id) {
        return state.tenant(id).map(t -> t.organization);
    }

    @Override
    public Optional<Organization> findByName(String name) {
        String key;
        try {
            key = com.heartbeatrm.core.internal.TextRules.foldCase(Organization.checkName(name));
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
        synchronized (state.orgsByNameKey) {
            return Optional.ofNullable(state.orgsByNameKey.get(key)).flatMap(this::find);
        }
    }

    @Override
    public Page<Organization> list(PageRequest request) {
        return TenantState.page(state.tenants.values().stream().map(t -> t.organization), Organization::createdAt,
                o -> o.id().value(), request);
    }
}
