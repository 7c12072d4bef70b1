package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.StaleVersionException;
import com.heartbeatrm.core.spi.AgentStore;
import com.heartbeatrm.core.spi.Cursors;
import com.heartbeatrm.core.spi.KeyUse;
import com.heartbeatrm.core.spi.KeyUseResult;
import com.heartbeatrm.store.jdbc.internal.Rows;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Agents, and the enrollment transaction.
 *
 * <p>Design of {@link #enroll}: one transaction. (1) If an agent with the same public-key fingerprint exists,
 * nothing changes: it is a retry. (2) A single conditional {@code UPDATE} counts the use only if the key
 * exists, is not disabled, not expired at the enrollment time, below its maximum and still points at the
 * expected group; the row lock it takes queues concurrent enrollments on the same key, and the condition is
 * re-evaluated on the locked row, so the count can never pass the maximum. There is no read-then-write race.
 * (3) The agent and its audit event are inserted. A duplicate fingerprint (the same agent racing itself) or any
 * failure rolls the counted use back with everything else: a use never exists without its agent, nor an agent
 * without its use. When the conditional update matches nothing, the key row is read to name the reason.
 */
final class JdbcAgents implements AgentStore {
    private static final String INSERT = "INSERT INTO hb_agent (org_id, id, group_id, status, enrolled_at, access_key_id, installer_id,"
            + " hostname, platform, fingerprint, last_seen_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private final Sql sql;
    private final Dialect dialect;

    JdbcAgents(Sql sql, Dialect dialect) {
        this.sql = sql;
        this.dialect = dialect;
    }

    @Override
    public KeyUseResult enroll(KeyUse use) {
        Agent agent = use.agent();
        String org = agent.organizationId().value();
        try {
            return sql.inTransaction(c -> {
                Optional<Agent> existing = byFingerprint(c, org, agent.publicKeyFingerprint());
                if (existing.isPresent()) {
                    return new KeyUseResult.AlreadyEnrolled(existing.get());
                }
                Instant now = use.now();
                int counted = Sql.update(c, "UPDATE hb_access_key SET use_count = use_count + 1, last_used_at = ?, last_used_by = ?"
                        + " WHERE org_id = ? AND id = ? AND group_id = ? AND disabled_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"
                        + " AND (max_uses IS NULL OR use_count < max_uses)",
                        now, agent.id().value(), org, use.key().value(), use.expectedGroup().value(), now);
                if (counted == 0) {
                    return new KeyUseResult.Refused(reason(c, org, use));
                }
                JdbcGroups.lockReferencedGroup(c, dialect, org, agent.groupId().value());
                try {
                    insertAgent(c, agent.withVersion(0));
                } catch (SQLException e) {
                    if (Sql.isUniqueViolation(e)) {
                        throw new DuplicateAgent();
                    }
                    if (Sql.isForeignKeyViolation(e)) {
                        throw new NotFoundException("group", agent.groupId().value());
                    }
                    throw e;
                }
                JdbcAudit.insert(c, use.audit());
                AccessKey after = JdbcKeys.row(c, org, use.key().value(), false).orElseThrow();
                return new KeyUseResult.Enrolled(agent.withVersion(0), after);
            });
        } catch (DuplicateAgent raced) {
            // The same agent enrolled concurrently and won; our transaction (and its counted use) rolled back.
            return sql.read(c -> byFingerprint(c, org, agent.publicKeyFingerprint()))
                    .<KeyUseResult>map(KeyUseResult.AlreadyEnrolled::new)
                    .orElseThrow(() -> new ConflictException("agent key enrolled and removed concurrently"));
        }
    }

    /** Thrown inside the enrollment transaction to roll it back when the agent already exists. */
    private static final class DuplicateAgent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DuplicateAgent() {
            super(null, null, false, false);
        }
    }

    private static KeyUseResult.Reason reason(Connection c, String org, KeyUse use) throws SQLException {
        Optional<AccessKey> key = JdbcKeys.row(c, org, use.key().value(), false);
        if (key.isEmpty()) {
            return KeyUseResult.Reason.KEY_NOT_FOUND;
        }
        AccessKeyStatus status = key.get().status(use.now());
        return switch (status) {
            case DISABLED -> KeyUseResult.Reason.KEY_DISABLED;
            case EXPIRED -> KeyUseResult.Reason.KEY_EXPIRED;
            case EXHAUSTED -> KeyUseResult.Reason.KEY_EXHAUSTED;
            case ENABLED -> KeyUseResult.Reason.GROUP_CHANGED;
        };
    }

    static void insertAgent(Connection c, Agent a) throws SQLException {
        Sql.update(c, INSERT, a.organizationId().value(), a.id().value(), a.groupId().value(), a.status().name(), a.enrolledAt(),
                a.accessKeyId().value(), a.installerId().orElse(null), a.hostname(), a.platform().name(), a.publicKeyFingerprint(),
                a.lastSeenAt(), a.version());
    }

    private static Optional<Agent> byFingerprint(Connection c, String org, String fingerprint) throws SQLException {
        return one(c, "SELECT * FROM hb_agent WHERE org_id = ? AND fingerprint = ?", org, fingerprint);
    }

    private static Optional<Agent> one(Connection c, String query, Object... params) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, query, params); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(Rows.agent(rs)) : Optional.empty();
        }
    }

    @Override
    public Optional<Agent> find(OrganizationId org, AgentId id) {
        return sql.read(c -> one(c, "SELECT * FROM hb_agent WHERE org_id = ? AND id = ?", org.value(), id.value()));
    }

    @Override
    public Optional<Agent> findByPublicKeyFingerprint(OrganizationId org, String fingerprint) {
        return sql.read(c -> byFingerprint(c, org.value(), fingerprint));
    }

    private Page<Agent> page(OrganizationId org, String column, Object value, PageRequest page) {
        return sql.read(c -> {
            List<Object> params = new ArrayList<>(List.of(org.value(), value));
            String after = JdbcKeys.keyset(page, params, "enrolled_at");
            params.add(page.limit() + 1);
            List<Agent> rows = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(c, "SELECT * FROM hb_agent WHERE org_id = ? AND " + column + " = ?" + after
                    + " ORDER BY enrolled_at, id LIMIT ?", params.toArray()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(Rows.agent(rs));
                }
            }
            return JdbcPages.page(rows, page.limit(), a -> Cursors.of(a.enrolledAt(), a.id().value()));
        });
    }

    @Override
    public Page<Agent> listByGroup(OrganizationId org, GroupId group, PageRequest page) {
        return page(org, "group_id", group.value(), page);
    }

    @Override
    public Page<Agent> listByKey(OrganizationId org, AccessKeyId key, PageRequest page) {
        return page(org, "access_key_id", key.value(), page);
    }

    @Override
    public Page<Agent> listByStatus(OrganizationId org, AgentStatus status, PageRequest page) {
        return page(org, "status", status.name(), page);
    }

    @Override
    public Page<Agent> listByInstaller(OrganizationId org, String installerId, PageRequest page) {
        return page(org, "installer_id", installerId, page);
    }

    @Override
    public Agent update(Agent changed, long expectedVersion, AuditEvent audit) {
        String org = changed.organizationId().value();
        return sql.inTransaction(c -> {
            Agent current = one(c, "SELECT * FROM hb_agent WHERE org_id = ? AND id = ? FOR UPDATE", org, changed.id().value())
                    .orElseThrow(() -> new NotFoundException("agent", changed.id().value()));
            if (current.version() != expectedVersion) {
                throw new StaleVersionException("agent", current.id().value(), expectedVersion, current.version());
            }
            JdbcGroups.lockReferencedGroup(c, dialect, org, changed.groupId().value());
            Agent stored = current.withStatus(changed.status()).withGroup(changed.groupId()).withVersion(expectedVersion + 1);
            try {
                Sql.update(c, "UPDATE hb_agent SET status = ?, group_id = ?, version = ? WHERE org_id = ? AND id = ?", stored.status().name(),
                        stored.groupId().value(), stored.version(), org, stored.id().value());
            } catch (SQLException e) {
                if (Sql.isForeignKeyViolation(e)) {
                    throw new NotFoundException("group", changed.groupId().value());
                }
                throw e;
            }
            JdbcAudit.insert(c, audit);
            return stored;
        });
    }

    @Override
    public boolean recordSeen(OrganizationId org, AgentId id, Instant at) {
        return sql.read(c -> {
            Sql.update(c, "UPDATE hb_agent SET last_seen_at = ? WHERE org_id = ? AND id = ? AND last_seen_at < ?", at, org.value(), id.value(), at);
            return JdbcOrganizations.exists(c, "SELECT 1 FROM hb_agent WHERE org_id = ? AND id = ?", org.value(), id.value());
        });
    }

    @Override
    public void delete(OrganizationId org, AgentId id, long expectedVersion, AuditEvent audit) {
        sql.inTransaction(c -> {
            Agent current = one(c, "SELECT * FROM hb_agent WHERE org_id = ? AND id = ? FOR UPDATE", org.value(), id.value())
                    .orElseThrow(() -> new NotFoundException("agent", id.value()));
            if (current.version() != expectedVersion) {
                throw new StaleVersionException("agent", id.value(), expectedVersion, current.version());
            }
            Sql.update(c, "DELETE FROM hb_agent WHERE org_id = ? AND id = ?", org.value(), id.value());
            JdbcAudit.insert(c, audit);
            return null;
        });
    }
}
