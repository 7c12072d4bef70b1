package com.heartbeatrm.benchmarks;

import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.store.jdbc.internal.FactQueries;
import com.heartbeatrm.store.jdbc.internal.Rows;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The database's own ceiling for what {@link EndToEndBenchmark} does: the statements of one enrollment transaction
 * (facts in one read, the nonce, the conditional use count, the agent, its audit event, one commit) and of one
 * renewal transaction (the locking facts read, the nonce, the generation, one commit), through plain JDBC on the
 * same database, pool and data, without HTTP, TLS, crypto or our code. Same clients, same keys.
 */
public class PlainSqlCeilingBenchmark extends OverTheWireDefaults {
    @Param({"postgresql", "h2"})
    public String store;

    @Param({"1", "1000"})
    public int keys;

    private LoadFixture fixture;
    private String signingKey;
    private List<LoadFixture.Agent> agents;
    private final AtomicInteger nextAgent = new AtomicInteger();
    private final AtomicInteger nonces = new AtomicInteger();
    private boolean postgres;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        setUp(params.getBenchmark().contains("Renew"));
    }

    void setUp(boolean renewals) throws Exception {
        fixture = new LoadFixture(store, keys);
        postgres = store.equals("postgresql");
        signingKey = fixture.server.signingKeys().ensureActiveKey().keyId();
        agents = renewals ? fixture.enrolledAgents(EndToEndBenchmark.RENEWING_AGENTS) : List.of();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        fixture.close();
    }

    private static long nanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            ps.setObject(i + 1, values[i]);
        }
    }

    private static void drain(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rs.getString(1);
            }
        }
    }

    private void nonce(Connection c, String nonce, long expires, long now) throws SQLException {
        String sql = postgres
                ? "INSERT INTO hb_nonce (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at"
                        + " WHERE hb_nonce.expires_at <= ?"
                : "MERGE INTO hb_nonce t USING (VALUES (CAST(? AS VARCHAR(200)), CAST(? AS BIGINT))) s(nonce, expires_at) ON t.nonce = s.nonce"
                        + " WHEN MATCHED AND t.expires_at <= ? THEN UPDATE SET expires_at = s.expires_at"
                        + " WHEN NOT MATCHED THEN INSERT (nonce, expires_at) VALUES (s.nonce, s.expires_at)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, nonce, expires, now);
            ps.executeUpdate();
        }
    }

    private int plainEnroll() throws SQLException {
        int k = keys == 1 ? 0 : ThreadLocalRandom.current().nextInt(keys);
        String org = fixture.org.id().value();
        String key = fixture.keys.get(k).id().value();
        String group = fixture.keys.get(k).groupId().value();
        String installer = fixture.installerIds.get(k);
        byte[] fp = new byte[32];
        ThreadLocalRandom.current().nextBytes(fp);
        String fingerprint = HexFormat.of().formatHex(fp);
        String agent = AgentId.random().value();
        String nonce = fingerprint + ":" + nonces.incrementAndGet() + "-plain-nonce-000000000";
        long now = nanos();
        try (Connection c = fixture.pool.getConnection()) {
            c.setAutoCommit(false);
            if (!postgres) {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            try (PreparedStatement ps = c.prepareStatement(FactQueries.ENROLLMENT)) {
                bind(ps, signingKey, null, nonce, org, org, installer, org, key, org, fingerprint);
                drain(ps);
            }
            nonce(c, nonce, now + 300_000_000_000L, now);
            try (PreparedStatement ps = c.prepareStatement("UPDATE hb_access_key SET use_count = use_count + ?, last_used_at = ?, last_used_by = ?"
                    + " WHERE org_id = ? AND id = ? AND group_id = ? AND disabled_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"
                    + " AND (max_uses IS NULL OR use_count + ? <= max_uses)")) {
                bind(ps, 1, now, agent, org, key, group, now, 1);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("key not usable");
                }
            }
            try (PreparedStatement ps = c.prepareStatement(Rows.INSERT_AGENT)) {
                bind(ps, org, agent, group, "ACTIVE", now, key, installer, "plain-host", "WINDOWS", fingerprint, now, 1L, null, now,
                        now + 86_400_000_000_000L, 0L, "ed25519", null, null, null, null);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hb_audit (org_id, at, actor, action, subject_type, subject_id,"
                    + " before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                bind(ps, org, now, "system", "AGENT_ENROLLED", "AGENT", agent, "{}", "{\"key\":\"" + key + "\",\"outcome\":\"ACTIVE\"}");
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                }
            }
            c.commit();
            c.setAutoCommit(true);
        }
        return 1;
    }

    private int plainRenew() throws SQLException {
        int i = nextAgent.getAndIncrement();
        String org = fixture.org.id().value();
        String agent = agents.get(i % agents.size()).agentId;
        String nonce = "renew-" + i + "-plain-nonce-0000000000";
        long now = nanos();
        try (Connection c = fixture.pool.getConnection()) {
            c.setAutoCommit(false);
            if (!postgres) {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM hb_agent WHERE org_id = ? AND id = ? FOR UPDATE")) {
                    bind(ps, org, agent);
                    drain(ps);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(postgres ? FactQueries.RENEWAL_LOCKED : FactQueries.RENEWAL_UNLOCKED)) {
                bind(ps, signingKey, null, nonce, org, agent);
                drain(ps);
            }
            nonce(c, nonce, now + 300_000_000_000L, now);
            try (PreparedStatement ps = c.prepareStatement("UPDATE hb_agent SET credential_generation = credential_generation + 1,"
                    + " renewal_nonce = ?, credential_issued_at = ?, credential_expires_at = ?, last_seen_at = ? WHERE org_id = ? AND id = ?")) {
                bind(ps, nonce, now, now + 86_400_000_000_000L, now, org, agent);
                ps.executeUpdate();
            }
            c.commit();
            c.setAutoCommit(true);
        }
        return 1;
    }

    @Benchmark
    @Threads(1)
    public int plainEnroll01() throws SQLException {
        return plainEnroll();
    }

    @Benchmark
    @Threads(8)
    public int plainEnroll08() throws SQLException {
        return plainEnroll();
    }

    @Benchmark
    @Threads(32)
    public int plainEnroll32() throws SQLException {
        return plainEnroll();
    }

    @Benchmark
    @Threads(1)
    public int plainRenew01() throws SQLException {
        return plainRenew();
    }

    @Benchmark
    @Threads(8)
    public int plainRenew08() throws SQLException {
        return plainRenew();
    }

    @Benchmark
    @Threads(32)
    public int plainRenew32() throws SQLException {
        return plainRenew();
    }

    static final SecureRandom RANDOM = new SecureRandom();
}
