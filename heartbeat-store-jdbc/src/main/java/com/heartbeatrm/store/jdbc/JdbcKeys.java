package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.Disablement;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.spi.AccessKeyStore;
import com.heartbeatrm.core.spi.Cursors;
import com.heartbeatrm.store.jdbc.internal.Rows;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class JdbcKeys implements AccessKeyStore {
    private final Sql sql;
    private final Dialect dialect;

    JdbcKeys(Sql sql, Dialect dialect) {
        this.sql = sql;
        this.dialect = dialect;
    }

    static void insertRow(Connection c, AccessKey k) throws SQLException {
        Sql.update(c, () -> new ConflictException("access key id already exists: " + k.id()), () -> new NotFoundException("group", k.groupId().value()),
                "INSERT INTO hb_access_key (org_id, id, name, group_id, is_default, created_at, created_by, expires_at, max_uses,"
                + " use_count, last_used_at, last_used_by, networks, platforms, disabled_at, disabled_by, disabled_reason, version)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                k.organizationId().value(), k.id().value(), k.name(), k.groupId().value(), k.isDefault(), k.createdAt(), k.createdBy().name(),
                k.expiresAt().orElse(null), k.maxUses().isPresent() ? k.maxUses().getAsLong() : null, k.useCount(),
                k.lastUsedAt().orElse(null), k.lastUsedBy().map(a -> a.value()).orElse(null), Rows.networksOrNull(k.restrictions()),
                Rows.platformsOrNull(k.restrictions()), k.disabled().map(Disablement::at).orElse(null),
                k.disabled().map(d -> d.by().name()).orElse(null), k.disabled().map(Disablement::reason).orElse(null), 0L);
    }

    static Optional<AccessKey> row(Connection c, String org, String id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT * FROM hb_access_key WHERE org_id = ? AND id = ?" + (forUpdate ? " FOR UPDATE" : ""),
                org, id); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(Rows.accessKey(rs)) : Optional.empty();
        }
    }

    @Override
    public void insert(AccessKey key, AuditEvent audit) {
        sql.inTransaction(c -> {
            JdbcGroups.lockReferencedGroup(c, dialect, key.organizationId().value(), key.groupId().value());
            insertRow(c, key);
            JdbcAudit.insert(c, audit);
            return null;
        });
    }

    @Override
    public AccessKey update(AccessKey changed, long expectedVersion, AuditEvent audit) {
        String org = changed.organizationId().value();
        return sql.inTransaction(c -> {
            AccessKey current = Versions.current(row(c, org, changed.id().value(), true), "access key", changed.id().value(), expectedVersion,
                    AccessKey::version);
            JdbcGroups.lockReferencedGroup(c, dialect, org, changed.groupId().value());
            AccessKey stored = current.withName(changed.name()).withGroup(changed.groupId()).withDisabled(changed.disabled())
                    .withVersion(expectedVersion + 1);
            JdbcGroups.updateReferencing(c, changed.groupId().value(), "UPDATE hb_access_key SET name = ?, group_id = ?, disabled_at = ?,"
                    + " disabled_by = ?, disabled_reason = ?, version = ? WHERE org_id = ? AND id = ?", stored.name(), stored.groupId().value(),
                    stored.disabled().map(Disablement::at).orElse(null), stored.disabled().map(d -> d.by().name()).orElse(null),
                    stored.disabled().map(Disablement::reason).orElse(null), stored.version(), org, stored.id().value());
            JdbcAudit.insert(c, audit);
            return stored;
        });
    }

    @Override
    public void delete(OrganizationId org, AccessKeyId id, long expectedVersion, AuditEvent audit) {
        sql.inTransaction(c -> {
            Versions.current(row(c, org.value(), id.value(), true), "access key", id.value(), expectedVersion, AccessKey::version);
            Sql.update(c, "DELETE FROM hb_access_key WHERE org_id = ? AND id = ?", org.value(), id.value());
            JdbcAudit.insert(c, audit);
            return null;
        });
    }

    @Override
    public Optional<AccessKey> find(OrganizationId org, AccessKeyId id) {
        return sql.read(c -> row(c, org.value(), id.value(), false));
    }

    @Override
    public Page<AccessKey> list(OrganizationId org, PageRequest page) {
        return sql.read(c -> {
            List<Object> params = new ArrayList<>(List.of(org.value()));
            String after = keyset(page, params, "created_at");
            params.add(page.limit() + 1);
            List<AccessKey> rows = Sql.list(c, Rows::accessKey, "SELECT * FROM hb_access_key WHERE org_id = ?" + after + " ORDER BY created_at, id LIMIT ?",
                    params.toArray());
            return JdbcPages.page(rows, page.limit(), k -> Cursors.of(k.createdAt(), k.id().value()));
        });
    }

    /** Appends the keyset condition for a page cursor over ({@code timeColumn}, id). */
    static String keyset(PageRequest page, List<Object> params, String timeColumn) {
        if (page.after().isEmpty()) {
            return "";
        }
        Cursors.Position p = Cursors.parse(page.after().get());
        params.add(p.at());
        params.add(p.at());
        params.add(p.id());
        return " AND (" + timeColumn + " > ? OR (" + timeColumn + " = ? AND id > ?))";
    }

    @Override
    public List<AccessKey> listByGroup(OrganizationId org, GroupId group) {
        return sql.read(c -> Sql.list(c, Rows::accessKey, "SELECT * FROM hb_access_key WHERE org_id = ? AND group_id = ? ORDER BY created_at, id", org.value(),
                group.value()));
    }
}
