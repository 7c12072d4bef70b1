package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.spi.Cursors;
import com.heartbeatrm.core.spi.OrganizationSetup;
import com.heartbeatrm.core.spi.OrganizationStore;
import com.heartbeatrm.store.jdbc.internal.Rows;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

final class JdbcOrganizations implements OrganizationStore {
    private final Sql sql;

    JdbcOrganizations(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void create(OrganizationSetup setup) {
        Organization org = setup.organization();
        try {
            sql.inTransactionChange(c -> {
                Sql.update(c, UniqueClash::new, null, "INSERT INTO hb_organization (id, name, name_key, root_group_id, created_at) VALUES (?, ?, ?, ?, ?)",
                        org.id().value(), org.name(), org.nameKey(), org.rootGroupId().value(), org.createdAt());
                Group root = setup.rootGroup();
                JdbcGroups.insertRow(c, root, "/" + root.id().value() + "/");
                JdbcKeys.insertRow(c, setup.defaultKey());
                for (AuditEvent e : setup.audit()) {
                    JdbcAudit.insert(c, e);
                }
            });
        } catch (UniqueClash clash) {
            // Told apart by what is stored now, not by the database's message.
            throw findByName(org.name()).isPresent() ? new DuplicateNameException("organization", org.name())
                    : new ConflictException("organization, root group or default key id already exists: " + org.id());
        }
    }

    static boolean exists(Connection c, String query, @Nullable Object... params) throws SQLException {
        return Sql.exists(c, query, params);
    }

    /** Takes the organization's row lock, which serializes changes to the shape of its group tree. */
    static void lockOrganization(Connection c, String orgId) throws SQLException {
        if (!exists(c, "SELECT id FROM hb_organization WHERE id = ? FOR UPDATE", orgId)) {
            throw new com.heartbeatrm.core.NotFoundException("organization", orgId);
        }
    }

    @Override
    public Optional<Organization> find(OrganizationId id) {
        return sql.read(c -> Sql.one(c, Rows::organization, "SELECT " + Rows.ORGANIZATION + " FROM hb_organization WHERE id = ?", id.value()));
    }

    @Override
    public Optional<Organization> findByName(String name) {
        String key;
        try {
            key = Organization.nameKeyOf(name);
        } catch (InvalidInputException e) {
            return Optional.empty();
        }
        return sql.read(c -> Sql.one(c, Rows::organization, "SELECT " + Rows.ORGANIZATION + " FROM hb_organization WHERE name_key = ?", key));
    }

    @Override
    public Page<Organization> list(PageRequest page) {
        return sql.read(c -> {
            List<Object> params = new ArrayList<>();
            String where = "";
            if (page.after().isPresent()) {
                Cursors.Position p = Cursors.parse(page.after().get());
                where = " WHERE created_at > ? OR (created_at = ? AND id > ?)";
                params.add(p.at());
                params.add(p.at());
                params.add(p.id());
            }
            params.add(page.limit() + 1);
            List<Organization> items = Sql.list(c, Rows::organization, "SELECT " + Rows.ORGANIZATION + " FROM hb_organization" + where
                    + " ORDER BY created_at, id LIMIT ?", params.toArray());
            return JdbcPages.page(items, page.limit(), o -> Cursors.of(o.createdAt(), o.id().value()));
        });
    }

}
