package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
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
            long before = stableSeqScans(url);

            try (HikariDataSource one = Databases.pool(url, Databases.PG_USER, 1)) {
                Node node = new Node(one);
                InetAddress from = InetAddress.getByName("203.0.113.9");
                for (int i = 0; i < REQUESTS; i++) {
                    AgentKeyPair keys = AgentKeyPair.generate();
                    EnrollmentResult r = node.server.enroll(Node.request(token, keys, "pc-" + i), node.server.contextFor(from));
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
            long after = stableSeqScans(url);
            assertThat(after - before).as("sequential scans of hb_agent during %d enrollments, %d renewals and 3 sweeps", REQUESTS, REQUESTS)
                    .isZero();
        }
    }

    private static void seed(javax.sql.DataSource ds, NewOrganization org) throws SQLException {
        long now = System.currentTimeMillis() * 1_000_000L;
        SecureRandom random = new SecureRandom();
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO hb_agent (" + Rows.AGENT + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < SEEDED; i++) {
                byte[] fp = new byte[32];
                random.nextBytes(fp);
                Object[] row = {org.id().value(), AgentId.random().value(), org.rootGroup().id().value(), "ACTIVE", now, org.defaultKey().id().value(),
                        null, "seed-" + i, "LINUX", HexFormat.of().formatHex(fp), i < STALE ? now - 2 * 86_400_000_000_000L : now, 1L, null, now,
                        now + 86_400_000_000_000L, 0L, "ed25519", null, null, null, null};
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
    private static long stableSeqScans(String url) throws Exception {
        long last = -1;
        for (int i = 0; i < 50; i++) {
            long now;
            try (Connection c = java.sql.DriverManager.getConnection(url, Databases.PG_USER, "");
                    PreparedStatement ps = c.prepareStatement("SELECT seq_scan FROM pg_stat_user_tables WHERE schemaname = current_schema()"
                            + " AND relname = 'hb_agent'");
                    ResultSet rs = ps.executeQuery()) {
                now = rs.next() ? rs.getLong(1) : 0;
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
