package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.ArtifactDigest;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Revocation;
import com.heartbeatrm.core.spi.Cursors;
import com.heartbeatrm.core.spi.InstallerStore;
import com.heartbeatrm.store.jdbc.internal.Rows;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class JdbcInstallers implements InstallerStore {
    private final Sql sql;

    JdbcInstallers(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void insert(InstallerRecord r, AuditEvent audit) {
        sql.inTransaction(c -> {
            if (!JdbcOrganizations.exists(c, "SELECT 1 FROM hb_access_key WHERE org_id = ? AND id = ?", r.organizationId().value(),
                    r.accessKeyId().value())) {
                throw new NotFoundException("access key", r.accessKeyId().value());
            }
            Sql.update(c, () -> new ConflictException("installer id already exists: " + r.id()), null,
                    "INSERT INTO hb_installer (org_id, id, access_key_id, signing_key_id, issued_at, issued_by, expires_at, platform,"
                    + " format, base_sha256, base_size, output_sha256, output_size, revoked_at, revoked_by, revoked_reason, max_uses, use_count, version)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", r.organizationId().value(), r.id().value(),
                    r.accessKeyId().value(), r.signingKeyId(), r.issuedAt(), r.issuedBy().name(), r.expiresAt().orElse(null),
                    r.platform().map(Enum::name).orElse(null), r.format(), r.base().map(ArtifactDigest::sha256).orElse(null),
                    r.base().map(ArtifactDigest::size).orElse(null), r.output().map(ArtifactDigest::sha256).orElse(null),
                    r.output().map(ArtifactDigest::size).orElse(null), r.revoked().map(Revocation::at).orElse(null),
                    r.revoked().map(x -> x.by().name()).orElse(null), r.revoked().map(Revocation::reason).orElse(null),
                    r.maxUses().isPresent() ? r.maxUses().getAsLong() : null, r.useCount(), 0L);
            JdbcAudit.insert(c, audit);
            return null;
        });
    }

    @Override
    public InstallerRecord update(InstallerRecord changed, long expectedVersion, AuditEvent audit) {
        String org = changed.organizationId().value();
        return sql.inTransaction(c -> {
            InstallerRecord current = Versions.current(Sql.one(c, Rows::installer, "SELECT * FROM hb_installer WHERE org_id = ? AND id = ? FOR UPDATE",
                    org, changed.id().value()), "installer", changed.id().value(), expectedVersion, InstallerRecord::version);
            InstallerRecord stored = new InstallerRecord(current.id(), current.organizationId(), current.accessKeyId(), current.signingKeyId(),
                    current.issuedAt(), current.issuedBy(), current.expiresAt(), current.platform(), changed.format(), changed.base(),
                    changed.output(), changed.revoked(), current.maxUses(), current.useCount(), expectedVersion + 1);
            Sql.update(c, "UPDATE hb_installer SET format = ?, base_sha256 = ?, base_size = ?, output_sha256 = ?, output_size = ?,"
                    + " revoked_at = ?, revoked_by = ?, revoked_reason = ?, version = ? WHERE org_id = ? AND id = ?", stored.format(),
                    stored.base().map(ArtifactDigest::sha256).orElse(null), stored.base().map(ArtifactDigest::size).orElse(null),
                    stored.output().map(ArtifactDigest::sha256).orElse(null), stored.output().map(ArtifactDigest::size).orElse(null),
                    stored.revoked().map(Revocation::at).orElse(null), stored.revoked().map(x -> x.by().name()).orElse(null),
                    stored.revoked().map(Revocation::reason).orElse(null), stored.version(), org, stored.id().value());
            JdbcAudit.insert(c, audit);
            return stored;
        });
    }

    @Override
    public Optional<InstallerRecord> find(OrganizationId org, InstallerId id) {
        return sql.read(c -> Sql.one(c, Rows::installer, "SELECT * FROM hb_installer WHERE org_id = ? AND id = ?", org.value(), id.value()));
    }

    private Page<InstallerRecord> page(String extraWhere, List<Object> params, PageRequest page) {
        return sql.read(c -> {
            String after = JdbcKeys.keyset(page, params, "issued_at");
            params.add(page.limit() + 1);
            List<InstallerRecord> rows = Sql.list(c, Rows::installer, "SELECT * FROM hb_installer WHERE org_id = ?" + extraWhere + after
                    + " ORDER BY issued_at, id LIMIT ?", params.toArray());
            return JdbcPages.page(rows, page.limit(), r -> Cursors.of(r.issuedAt(), r.id().value()));
        });
    }

    @Override
    public List<InstallerRecord> listRetiredBefore(OrganizationId org, java.time.Instant before, int limit) {
        if (limit < 1 || limit > 1000) {
            throw new com.heartbeatrm.core.InvalidInputException("limit", "must be between 1 and 1000, got " + limit);
        }
        return sql.read(c -> Sql.list(c, Rows::installer, "SELECT * FROM hb_installer WHERE org_id = ? AND (revoked_at < ? OR expires_at < ?)"
                + " ORDER BY issued_at, id LIMIT ?", org.value(), before, before, limit));
    }

    @Override
    public boolean removeRetired(OrganizationId org, InstallerId id, java.time.Instant before, AuditEvent audit) {
        return sql.inTransaction(c -> {
            if (Sql.update(c, "DELETE FROM hb_installer WHERE org_id = ? AND id = ? AND (revoked_at < ? OR expires_at < ?)", org.value(), id.value(),
                    before, before) == 0) {
                return false;
            }
            JdbcAudit.insert(c, audit);
            return true;
        });
    }

    @Override
    public Page<InstallerRecord> list(OrganizationId org, PageRequest page) {
        return page("", new ArrayList<>(List.of(org.value())), page);
    }

    @Override
    public Page<InstallerRecord> listByKey(OrganizationId org, AccessKeyId key, PageRequest page) {
        return page(" AND access_key_id = ?", new ArrayList<>(List.of(org.value(), key.value())), page);
    }
}
