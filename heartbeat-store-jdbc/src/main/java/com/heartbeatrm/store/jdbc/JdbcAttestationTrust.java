package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AllowedEndorsementKey;
import com.heartbeatrm.core.AttestationTrust;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.TrustedCa;
import com.heartbeatrm.core.spi.AttestationTrustStore;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Trust anchors for TPM attestation. A change takes the organization's row lock first, so changes of one organization
 * are applied one at a time and the duplicate and count checks hold at commit.
 */
final class JdbcAttestationTrust implements AttestationTrustStore {
    private static final String CAS = "SELECT fingerprint, certificate, added_at, added_by FROM hb_attestation_ca WHERE org_id = ?"
            + " ORDER BY added_at, fingerprint";
    private static final String KEYS = "SELECT sha256, label, added_at, added_by FROM hb_endorsement_key WHERE org_id = ?";
    private final Sql sql;

    JdbcAttestationTrust(Sql sql) {
        this.sql = sql;
    }

    @Override
    public void addCa(OrganizationId org, TrustedCa ca, AuditEvent audit) {
        sql.inTransactionChange(c -> {
            add(c, org, "hb_attestation_ca", "fingerprint", ca.fingerprint(), AttestationTrust.MAX_CAS, "trusted CA");
            Sql.update(c, "INSERT INTO hb_attestation_ca (org_id, fingerprint, certificate, added_at, added_by) VALUES (?, ?, ?, ?, ?)",
                    org.value(), ca.fingerprint(), Base64.getEncoder().encodeToString(ca.der()), ca.addedAt(), ca.addedBy().name());
            JdbcAudit.insert(c, audit);
        });
    }

    @Override
    public void removeCa(OrganizationId org, String fingerprint, AuditEvent audit) {
        remove(org, "DELETE FROM hb_attestation_ca WHERE org_id = ? AND fingerprint = ?", fingerprint, "trusted CA", audit);
    }

    @Override
    public void allowEndorsementKey(OrganizationId org, AllowedEndorsementKey key, AuditEvent audit) {
        sql.inTransactionChange(c -> {
            add(c, org, "hb_endorsement_key", "sha256", key.sha256(), AttestationTrust.MAX_ENDORSEMENT_KEYS, "allow-listed endorsement key");
            Sql.update(c, "INSERT INTO hb_endorsement_key (org_id, sha256, label, added_at, added_by) VALUES (?, ?, ?, ?, ?)", org.value(),
                    key.sha256(), key.label(), key.addedAt(), key.addedBy().name());
            JdbcAudit.insert(c, audit);
        });
    }

    @Override
    public void removeEndorsementKey(OrganizationId org, String sha256, AuditEvent audit) {
        remove(org, "DELETE FROM hb_endorsement_key WHERE org_id = ? AND sha256 = ?", sha256, "allow-listed endorsement key", audit);
    }

    @Override
    public AttestationTrust trust(OrganizationId org) {
        return sql.read(c -> new AttestationTrust(org, Sql.list(c, JdbcAttestationTrust::ca, CAS, org.value()),
                Sql.list(c, JdbcAttestationTrust::key, KEYS + " ORDER BY added_at, sha256", org.value())));
    }

    @Override
    public List<TrustedCa> cas(OrganizationId org) {
        return sql.read(c -> Sql.list(c, JdbcAttestationTrust::ca, CAS, org.value()));
    }

    @Override
    public Optional<AllowedEndorsementKey> findEndorsementKey(OrganizationId org, String sha256) {
        return sql.read(c -> Sql.one(c, JdbcAttestationTrust::key, KEYS + " AND sha256 = ?", org.value(), sha256));
    }

    /** Locks the organization, then refuses a duplicate and a table that is full. The names are constants of this class. */
    private static void add(Connection c, OrganizationId org, String table, String column, String id, int max, String what)
            throws SQLException {
        JdbcOrganizations.lockOrganization(c, org.value());
        if (Sql.exists(c, "SELECT " + column + " FROM " + table + " WHERE org_id = ? AND " + column + " = ?", org.value(), id)) {
            throw new ConflictException(what + " already exists: " + id);
        }
        long count = Sql.one(c, rs -> rs.getLong(1), "SELECT COUNT(*) FROM " + table + " WHERE org_id = ?", org.value()).orElse(0L);
        if (count >= max) {
            throw new ConflictException("an organization may have at most " + max + " of: " + what);
        }
    }

    private void remove(OrganizationId org, String delete, String id, String what, AuditEvent audit) {
        sql.inTransactionChange(c -> {
            if (Sql.update(c, delete, org.value(), id) != 1) {
                throw new NotFoundException(what, id);
            }
            JdbcAudit.insert(c, audit);
        });
    }

    private static TrustedCa ca(ResultSet rs) throws SQLException {
        try {
            return TrustedCa.parse(Base64.getDecoder().decode(rs.getString("certificate")), Sql.instant(rs.getLong("added_at")),
                    new Actor(rs.getString("added_by")));
        } catch (InvalidInputException | IllegalArgumentException e) {
            throw new SQLException("hb_attestation_ca.certificate: not a CA certificate", e);
        }
    }

    private static AllowedEndorsementKey key(ResultSet rs) throws SQLException {
        return new AllowedEndorsementKey(rs.getString("sha256"), rs.getString("label"), Sql.instant(rs.getLong("added_at")),
                new Actor(rs.getString("added_by")));
    }
}
