package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.SubjectType;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.RenewalResult;
import com.heartbeatrm.store.jdbc.internal.Rows;
import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.StaleAgentPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The agents table is the one that grows to millions, and every enrollment and renewal reads it. On PostgreSQL,
 * with 5,000 agents and fresh statistics, enrollments and renewals through one pooled connection (so that its
 * prepared statements switch to generic plans, as a long-running node's do) never scan it sequentially. Counted by
 * PostgreSQL itself ({@code pg_stat_user_tables}), read after the connection has closed and flushed its counters.
 */
@DisplayName("index use on PostgreSQL")
class IndexUseTest {
    private static final Actor ALICE = Actor.of("alice");
    private static final int SEEDED = 5_000;
    private static final int REQUESTS = 30;
    /** Seeded agents last seen two days ago: the sweeps' work. */
    private static final int STALE = 100;

    @Test
    @DisplayName("enrollments, renewals and retention sweeps never scan the agents table sequentially, under generic plans too")
    void noSequentialScanOfAgents() throws Exception {
        try (Databases.Fresh fresh = Databases.postgres(2)) {
            String url = fresh.dataSource().getJdbcUrl();
            Node setup = new Node(fresh.dataSource());
            NewOrganization org = setup.admin.organizations().setUp(ALICE, "Acme MSP");
            EnrollmentToken token = setup.token(ALICE, org.id(), org.defaultKey().id());
            seed(fresh.dataSource(), org);
            Databases.exec(fresh.dataSource(), "ANALYZE");
            fresh.dataSource().close();
            long before = stableSeqScans(url, "hb_agent");

            try (HikariDataSource one = Databases.pool(url, Databases.PG_USER, 1)) {
                Node node = new Node(one);
                InetAddress from = InetAddress.getByName("203.0.113.9");
                for (int i = 0; i < REQUESTS; i++) {
                    AgentKeyPair keys = AgentKeyPair.generate();
                    // Every other computer reports a machine fingerprint: its enrollment looks up the machine's agents
                    // through the partial index of version 8.
                    byte[] body = i % 2 == 0 ? Node.request(token, keys, "pc-" + i)
                            : EnrollmentRequest.create(token, keys, new AgentFacts("pc-" + i, "linux", "6.1", "1.0", Optional.of("hw-" + i % 4)),
                                    Clock.systemUTC()).toJson();
                    EnrollmentResult r = node.server.enroll(body, node.server.contextFor(from));
                    assertThat(r).isInstanceOf(EnrollmentResult.Enrolled.class);
                    EnrollmentResult.Enrolled e = (EnrollmentResult.Enrolled) r;
                    byte[] renewal = RenewalRequest.create(e.agent().id().value(), org.id().value(), keys, Optional.of(e.credential()),
                            Clock.systemUTC()).toJson();
                    assertThat(node.server.renew(renewal, node.server.contextFor(from))).isInstanceOf(RenewalResult.Renewed.class);
                }
                // The retention sweeper reads agents by last-seen time (the V4 index) and retires each by its key.
                node.admin.groups().setOverride(ALICE, org.id(), org.rootGroup().id(), SecuritySetting.STALE_AGENTS,
                        StaleAgentPolicy.disableAfter(Duration.ofDays(1)));
                for (int i = 0; i < 3; i++) {
                    assertThat(node.server.sweep().agentsDisabled()).isEqualTo(i == 0 ? STALE : 0);
                }
            }
            long after = stableSeqScans(url, "hb_agent");
            assertThat(after - before).as("sequential scans of hb_agent during %d enrollments, %d renewals and 3 sweeps", REQUESTS, REQUESTS)
                    .isZero();
        }
    }

    @Test
    @DisplayName("audit pages, subject and time queries and retention never scan the audit table sequentially, under generic plans too")
    void noSequentialScanOfAudit() throws Exception {
        try (Databases.Fresh fresh = Databases.postgres(2)) {
            String url = fresh.dataSource().getJdbcUrl();
            Node setup = new Node(fresh.dataSource());
            NewOrganization acme = setup.admin.organizations().setUp(ALICE, "Acme MSP");
            NewOrganization beta = setup.admin.organizations().setUp(ALICE, "Beta IT");
            long now = System.currentTimeMillis() * 1_000_000L;
            for (NewOrganization org : java.util.List.of(acme, beta)) {
                // 20,000 events an hour apart, the oldest first, about 200 per subject.
                Databases.exec(fresh.dataSource(), "INSERT INTO hb_audit (org_id, at, actor, action, subject_type, subject_id, before_json, after_json)"
                        + " SELECT '" + org.id().value() + "', " + now + " - (20000 - g) * 3600000000000, 'alice', 'AGENT_ENROLLED', 'AGENT',"
                        + " 'agt_seed' || (g % 100), '{}', '{}' FROM generate_series(1, 20000) g");
            }
            Databases.exec(fresh.dataSource(), "ANALYZE");
            fresh.dataSource().close();
            long before = stableSeqScans(url, "hb_audit");

            int deleted = 0;
            try (HikariDataSource one = Databases.pool(url, Databases.PG_USER, 1)) {
                Node node = new Node(one);
                java.time.Instant cutoff = java.time.Instant.ofEpochSecond(0, now).minus(Duration.ofDays(400));
                for (int i = 0; i < 10; i++) {
                    PageRequest page = PageRequest.first(50);
                    Page<AuditRecord> first = node.admin.audit().query(AuditQuery.all(acme.id()).withPage(page));
                    assertThat(first.items()).hasSize(50);
                    assertThat(node.admin.audit().query(AuditQuery.all(acme.id()).withPage(page.next(first)))
                            .items()).hasSize(50).allSatisfy(r -> assertThat(r.sequence()).isGreaterThan(first.items().get(49).sequence()));
                    String subject = "agt_seed" + i;
                    assertThat(node.admin.audit().query(AuditQuery.all(acme.id()).forSubject(new Subject(SubjectType.AGENT, subject))
                            .withPage(PageRequest.first(20))).items()).hasSize(20)
                            .allSatisfy(r -> assertThat(r.event().subject().id()).isEqualTo(subject));
                    assertThat(node.admin.audit().query(AuditQuery.all(beta.id()).between(cutoff.minus(Duration.ofDays(1)), cutoff)
                            .withPage(PageRequest.first(100))).items()).hasSize(24);
                    deleted += node.store.audit().deleteRecordedBefore(acme.id(), cutoff, 100);
                }
            }
            long after = stableSeqScans(url, "hb_audit");
            assertThat(deleted).as("events older than the cutoff deleted, 100 a batch").isEqualTo(1_000);
            assertThat(after - before).as("sequential scans of hb_audit during 40 queries and 10 retention batches").isZero();
        }
    }

    @Test
    @DisplayName("an enrollment writes 12 index entries on PostgreSQL, 13 when its computer reports a machine fingerprint")
    void indexEntriesPerEnrollment() throws Exception {
        try (Databases.Fresh fresh = Databases.postgres(2); Connection c = fresh.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                        + " AND tablename IN ('hb_agent', 'hb_audit', 'hb_nonce') ORDER BY indexname");
                ResultSet rs = ps.executeQuery()) {
            java.util.Map<String, String> defs = new java.util.TreeMap<>();
            while (rs.next()) {
                defs.put(rs.getString(2), rs.getString(3));
            }
            // Agent: key, agent key, group, access key, installer, status, last seen (V4); machine (V7) only when reported.
            // Audit event: key (org_id, seq), subject, time. Nonce: key, expiry.
            assertThat(defs.keySet()).containsExactly("hb_agent_by_group", "hb_agent_by_installer", "hb_agent_by_key", "hb_agent_by_machine",
                    "hb_agent_by_seen", "hb_agent_by_status", "hb_agent_fingerprint", "hb_agent_pkey", "hb_audit_pkey", "hb_audit_subject",
                    "hb_audit_time", "hb_nonce_expiry", "hb_nonce_pkey");
            assertThat(defs.get("hb_audit_pkey")).endsWith("(org_id, seq)");
            assertThat(defs.get("hb_agent_by_machine")).endsWith("WHERE (machine_fingerprint IS NOT NULL)");
        }
    }

    private static void seed(javax.sql.DataSource ds, NewOrganization org) throws SQLException {
        long now = System.currentTimeMillis() * 1_000_000L;
        SecureRandom random = new SecureRandom();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(Rows.INSERT_AGENT)) {
            for (int i = 0; i < SEEDED; i++) {
                byte[] fp = new byte[32];
                random.nextBytes(fp);
                Object[] row = {org.id().value(), AgentId.random().value(), org.rootGroup().id().value(), "ACTIVE", now, org.defaultKey().id().value(),
                        null, "seed-" + i, "LINUX", HexFormat.of().formatHex(fp), i < STALE ? now - 2 * 86_400_000_000_000L : now, 1L, null, now,
                        now + 86_400_000_000_000L, 0L, "ed25519", null, null, null, i % 2 == 0 ? "hw-" + i % 1_000 : null};
                for (int j = 0; j < row.length; j++) {
                    ps.setObject(j + 1, row[j]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * hb_agent's sequential-scan count once it stops moving: a closed connection's backend flushes its counters as
     * it exits, which PostgreSQL does a moment after the client hung up.
     */
    private static long stableSeqScans(String url, String table) throws Exception {
        long last = -1;
        for (int i = 0; i < 50; i++) {
            long now;
            try (Connection c = java.sql.DriverManager.getConnection(url, Databases.PG_USER, "");
                    PreparedStatement ps = c.prepareStatement("SELECT seq_scan FROM pg_stat_user_tables WHERE schemaname = current_schema()"
                            + " AND relname = ?")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    now = rs.next() ? rs.getLong(1) : 0;
                }
            }
            if (now == last) {
                return now;
            }
            last = now;
            Thread.sleep(200);
        }
        return last;
    }
}
