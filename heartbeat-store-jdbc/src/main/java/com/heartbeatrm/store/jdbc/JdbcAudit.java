package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.SubjectType;
import com.heartbeatrm.core.spi.AuditStore;
import com.heartbeatrm.core.spi.Cursors;
import com.heartbeatrm.store.jdbc.internal.Rows;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

final class JdbcAudit implements AuditStore {
    private final Sql sql;

    JdbcAudit(Sql sql) {
        this.sql = sql;
    }

    /** Inserts an event in the caller's transaction; returns its sequence number. */
    static long insert(Connection c, AuditEvent e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hb_audit (org_id, at, actor, action, subject_type, subject_id,"
                + " before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            Sql.bind(ps, e.organizationId().value(), e.at(), e.actor().name(), e.action().name(), e.subject().type().name(),
                    e.subject().id(), Rows.json(e.before()), Rows.json(e.after()));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Inserts events in one multi-row statement, in the caller's transaction. */
    static void insertAll(Connection c, List<AuditEvent> events) throws SQLException {
        if (events.size() == 1) {
            insert(c, events.get(0));
            return;
        }
        List<@Nullable Object> params = new ArrayList<>(events.size() * 8);
        Sql.update(c, insertAllSql(events, params), params.toArray());
    }

    /** The multi-row insert of {@code events}, their values appended to {@code params} in its order. */
    static String insertAllSql(List<AuditEvent> events, List<@Nullable Object> params) {
        StringBuilder q = new StringBuilder("INSERT INTO hb_audit (org_id, at, actor, action, subject_type, subject_id, before_json, after_json)"
                + " VALUES ");
        for (int i = 0; i < events.size(); i++) {
            q.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?)");
            AuditEvent e = events.get(i);
            params.addAll(java.util.Arrays.asList(e.organizationId().value(), e.at(), e.actor().name(), e.action().name(),
                    e.subject().type().name(), e.subject().id(), Rows.json(e.before()), Rows.json(e.after())));
        }
        return q.toString();
    }

    @Override
    public AuditRecord append(AuditEvent event) {
        return sql.inTransaction(c -> {
            if (!JdbcOrganizations.exists(c, "SELECT 1 FROM hb_organization WHERE id = ?", event.organizationId().value())) {
                throw new com.heartbeatrm.core.NotFoundException("organization", event.organizationId().value());
            }
            return new AuditRecord(insert(c, event), event);
        });
    }

    /**
     * Picks the oldest rows through the (org_id, at, seq) index, then deletes exactly those by primary key: the same
     * two statements on every database (MariaDB takes no LIMIT in an IN subquery), one short transaction per batch.
     */
    @Override
    public int deleteRecordedBefore(OrganizationId org, java.time.Instant before, int limit) {
        if (limit < 1 || limit > MAX_DELETE_BATCH) {
            throw new com.heartbeatrm.core.InvalidInputException("limit", "must be between 1 and " + MAX_DELETE_BATCH + ", got " + limit);
        }
        return sql.inTransaction(c -> {
            List<Long> seqs = Sql.list(c, rs -> rs.getLong(1), "SELECT seq FROM hb_audit WHERE org_id = ? AND at < ? ORDER BY at, seq LIMIT ?",
                    org.value(), before, limit);
            int deleted = 0;
            for (int from = 0; from < seqs.size(); from += 500) {
                List<Long> chunk = seqs.subList(from, Math.min(seqs.size(), from + 500));
                List<Object> params = new ArrayList<>(chunk.size() + 1);
                params.add(org.value());
                params.addAll(chunk);
                // By the organization too: on PostgreSQL the key is (org_id, seq) (version 8).
                deleted += Sql.update(c, "DELETE FROM hb_audit WHERE org_id = ? AND seq IN (" + "?, ".repeat(chunk.size() - 1) + "?)",
                        params.toArray());
            }
            return deleted;
        });
    }

    @Override
    public Page<AuditRecord> query(AuditQuery q) {
        return sql.read(c -> {
            StringBuilder where = new StringBuilder("org_id = ? AND seq > ?");
            List<Object> params = new ArrayList<>();
            params.add(q.organizationId().value());
            params.add(q.page().after().map(Cursors::parseSequence).orElse(0L));
            if (q.subject().isPresent()) {
                where.append(" AND subject_type = ? AND subject_id = ?");
                params.add(q.subject().get().type().name());
                params.add(q.subject().get().id());
            }
            if (q.from().isPresent()) {
                where.append(" AND at >= ?");
                params.add(q.from().get());
            }
            if (q.to().isPresent()) {
                where.append(" AND at < ?");
                params.add(q.to().get());
            }
            params.add(q.page().limit() + 1);
            List<AuditRecord> rows = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(c, "SELECT * FROM hb_audit WHERE " + where + " ORDER BY seq LIMIT ?", params.toArray());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    AuditEvent e = new AuditEvent(Sql.instant(rs.getLong("at")), new OrganizationId(rs.getString("org_id")),
                            new Actor(rs.getString("actor")), AuditAction.valueOf(rs.getString("action")),
                            new Subject(SubjectType.valueOf(rs.getString("subject_type")), rs.getString("subject_id")),
                            Rows.map(rs.getString("before_json")), Rows.map(rs.getString("after_json")));
                    rows.add(new AuditRecord(rs.getLong("seq"), e));
                }
            }
            if (rows.size() > q.page().limit()) {
                List<AuditRecord> items = rows.subList(0, q.page().limit());
                return new Page<>(items, Optional.of(Cursors.ofSequence(items.get(items.size() - 1).sequence())));
            }
            return new Page<>(rows, Optional.empty());
        });
    }
}
