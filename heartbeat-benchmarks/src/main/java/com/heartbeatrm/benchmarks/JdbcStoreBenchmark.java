package com.heartbeatrm.benchmarks;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.KeyUse;
import com.heartbeatrm.core.spi.KeyUseResult;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JDBC store on PostgreSQL, seeded with 100 000 groups, 100 000 keys and 1 000 000 agents (schema
 * {@code hb_bench}, seeded once by set-based SQL and reused by later runs).
 *
 * <ul>
 * <li>{@code store*}: {@code AgentStore.enroll} (the store path only, no crypto): one transaction with the
 * fingerprint check, the conditional use-count UPDATE, the group share-lock, the agent and audit INSERTs and
 * the key read-back, committed durably.</li>
 * <li>{@code plain*}: exactly those statements through plain JDBC on the same pool, without our code.</li>
 * <li>{@code *HotKey}: every enrollment uses one key; {@code *Spread}: a random key of 1 000.</li>
 * <li>{@code *Subtree}: the subtree of a group with 10 000 descendants, through the store and as the bare range
 * query.</li>
 * </ul>
 * Sample-time mode, so JMH reports the mean and the p50/p99 latency; throughput is threads / mean.
 *
 * <p>Run (PostgreSQL at 127.0.0.1:5432, database test, user postgres):
 * {@code java -jar heartbeat-benchmarks/target/benchmarks.jar JdbcStore -t 1} (then {@code -t 8}, {@code -t 32}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(1)
public class JdbcStoreBenchmark {
    static final String URL = System.getProperty("heartbeat.bench.postgres", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getProperty("heartbeat.bench.postgres.user", "postgres");
    static final String SCHEMA = "hb_bench";
    static final int GROUPS = 100_000;
    static final int KEYS = 100_000;
    static final int AGENTS = 1_000_000;
    static final int SPREAD_KEYS = 1_000;

    private HikariDataSource pool;
    private JdbcHeartbeatStore store;
    private final OrganizationId org = new OrganizationId(id("org", 1));
    private final GroupId bigGroup = new GroupId(id("grp", 2));

    static String id(String prefix, long n) {
        return prefix + "_" + String.format("%021d", n) + "A";
    }

    @Setup
    public void setUp() throws Exception {
        seedIfNeeded();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL + "?currentSchema=" + SCHEMA);
        config.setUsername(USER);
        config.setMaximumPoolSize(40);
        pool = new HikariDataSource(config);
        store = JdbcHeartbeatStore.create(pool);
        if (store.groups().subtree(org, bigGroup).size() != 10_001) {
            throw new IllegalStateException("seed is not as expected");
        }
    }

    @TearDown
    public void tearDown() {
        pool.close();
    }

    /** Seeds the schema once; a seeded schema is reused (delete it to re-seed: DROP SCHEMA hb_bench CASCADE). */
    static void seedIfNeeded() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + SCHEMA
                    + "' AND table_name = 'hb_bench_seeded'")) {
                rs.next();
                if (rs.getInt(1) == 1) {
                    return;
                }
            }
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL + "?currentSchema=" + SCHEMA);
        config.setUsername(USER);
        try (HikariDataSource ds = new HikariDataSource(config)) {
            JdbcHeartbeatStore.migrate(ds);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                long t0 = System.nanoTime();
                // The seed is consistent by construction: skip the per-row foreign-key triggers, which PostgreSQL
                // would plan against near-empty tables and run as sequential scans (quadratic time).
                s.execute("SET session_replication_role = replica");
                String org = "'" + id("org", 1) + "'";
                String grp = "'grp_' || lpad(n::text, 21, '0') || 'A'";
                s.execute("INSERT INTO hb_organization VALUES (" + org + ", 'Bench', 'bench', '" + id("grp", 1) + "', 0)");
                // Root (1), the big group (2) with 100 children (3..102) of 99 children each (103..9 902), the rest under the root.
                s.execute("INSERT INTO hb_group VALUES (" + org + ", '" + id("grp", 1) + "', NULL, 'Root', 'root', '/" + id("grp", 1)
                        + "/', '{}', '', 0, 0)");
                s.execute("INSERT INTO hb_group SELECT " + org + ", " + grp + ", '" + id("grp", 1) + "', 'g' || n, 'g' || n, '/"
                        + id("grp", 1) + "/' || " + grp + " || '/', '{}', '', n, 0 FROM generate_series(2, 2) n");
                s.execute("INSERT INTO hb_group SELECT " + org + ", " + grp + ", '" + id("grp", 2) + "', 'g' || n, 'g' || n, '/"
                        + id("grp", 1) + "/" + id("grp", 2) + "/' || " + grp + " || '/', '{}', '', n, 0 FROM generate_series(3, 102) n");
                s.execute("INSERT INTO hb_group SELECT " + org + ", " + grp + ", 'grp_' || lpad((3 + (n - 103) / 99)::text, 21, '0') || 'A',"
                        + " 'g' || n, 'g' || n, '/" + id("grp", 1) + "/" + id("grp", 2) + "/grp_' || lpad((3 + (n - 103) / 99)::text, 21, '0')"
                        + " || 'A/' || " + grp + " || '/', '{}', '', n, 0 FROM generate_series(103, 10002) n");
                s.execute("INSERT INTO hb_group SELECT " + org + ", " + grp + ", '" + id("grp", 1) + "', 'g' || n, 'g' || n, '/"
                        + id("grp", 1) + "/' || " + grp + " || '/', '{}', '', n, 0 FROM generate_series(10003, " + GROUPS + ") n");
                // Keys 1..100 000, each in group 10 003 + (n mod 89 998); unlimited uses.
                s.execute("INSERT INTO hb_access_key (org_id, id, name, group_id, is_default, created_at, created_by, use_count, version)"
                        + " SELECT " + org + ", 'hbk_' || lpad(n::text, 21, '0') || 'A', 'k' || n,"
                        + " 'grp_' || lpad((10003 + n % 89998)::text, 21, '0') || 'A', false, n, 'seed', 0, 0 FROM generate_series(1, " + KEYS + ") n");
                s.execute("INSERT INTO hb_agent SELECT " + org + ", 'agt_' || lpad(n::text, 21, '0') || 'A',"
                        + " 'grp_' || lpad((10003 + (n % " + KEYS + ") % 89998)::text, 21, '0') || 'A', 'ACTIVE', n,"
                        + " 'hbk_' || lpad((1 + n % " + KEYS + ")::text, 21, '0') || 'A', NULL, 'host' || n, 'LINUX',"
                        + " md5(n::text) || md5((n + 1)::text), n, 0 FROM generate_series(1, " + AGENTS + ") n");
                s.execute("SET session_replication_role = DEFAULT");
                s.execute("ANALYZE");
                s.execute("CREATE TABLE hb_bench_seeded (seeded_at BIGINT)");
                System.out.printf("seeded %d groups, %d keys, %d agents in %.1f s%n", GROUPS, KEYS, AGENTS, (System.nanoTime() - t0) / 1e9);
            }
        }
    }

    private static String freshFingerprint() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static long keyNumber(boolean hot) {
        return hot ? 1 : 1 + ThreadLocalRandom.current().nextInt(SPREAD_KEYS);
    }

    private static GroupId groupOfKey(long n) {
        return new GroupId(id("grp", 10003 + n % 89998));
    }

    private KeyUseResult storeEnroll(boolean hot) {
        long n = keyNumber(hot);
        AccessKeyId key = new AccessKeyId(id("hbk", n));
        GroupId group = groupOfKey(n);
        Instant now = Instant.now();
        Agent agent = new Agent(AgentId.random(), org, group, AgentStatus.ACTIVE, now, key, Optional.empty(), "bench-host", Platform.LINUX,
                freshFingerprint(), now, 0);
        AuditEvent audit = AuditEvent.of(now, org, Actor.SYSTEM, AuditAction.AGENT_ENROLLED, Subject.of(agent.id()), Map.of(),
                Map.of("key", key.value(), "group", group.value(), "outcome", "ACTIVE", "sourceAddress", "203.0.113.7"));
        KeyUseResult r = store.agents().enroll(new KeyUse(key, group, agent, now, audit));
        if (!(r instanceof KeyUseResult.Enrolled)) {
            throw new IllegalStateException(r.toString());
        }
        return r;
    }

    /** The statements AgentStore.enroll issues, through plain JDBC, with the same values and one durable commit. */
    private long plainEnroll(boolean hot) throws SQLException {
        long n = keyNumber(hot);
        String key = id("hbk", n);
        String group = groupOfKey(n).value();
        String agent = AgentId.random().value();
        String fingerprint = freshFingerprint();
        long now = System.currentTimeMillis() * 1_000_000L;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM hb_agent WHERE org_id = ? AND fingerprint = ?")) {
                ps.setString(1, org.value());
                ps.setString(2, fingerprint);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE hb_access_key SET use_count = use_count + 1, last_used_at = ?, last_used_by = ?"
                    + " WHERE org_id = ? AND id = ? AND group_id = ? AND disabled_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"
                    + " AND (max_uses IS NULL OR use_count < max_uses)")) {
                ps.setLong(1, now);
                ps.setString(2, agent);
                ps.setString(3, org.value());
                ps.setString(4, key);
                ps.setString(5, group);
                ps.setLong(6, now);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("key not usable");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM hb_group WHERE org_id = ? AND id = ? FOR SHARE")) {
                ps.setString(1, org.value());
                ps.setString(2, group);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hb_agent (org_id, id, group_id, status, enrolled_at, access_key_id,"
                    + " installer_id, hostname, platform, fingerprint, last_seen_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, org.value());
                ps.setString(2, agent);
                ps.setString(3, group);
                ps.setString(4, "ACTIVE");
                ps.setLong(5, now);
                ps.setString(6, key);
                ps.setObject(7, null);
                ps.setString(8, "bench-host");
                ps.setString(9, "LINUX");
                ps.setString(10, fingerprint);
                ps.setLong(11, now);
                ps.setLong(12, 0);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hb_audit (org_id, at, actor, action, subject_type, subject_id,"
                    + " before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, org.value());
                ps.setLong(2, now);
                ps.setString(3, "system");
                ps.setString(4, "AGENT_ENROLLED");
                ps.setString(5, "AGENT");
                ps.setString(6, agent);
                ps.setString(7, "{}");
                ps.setString(8, "{\"group\":\"" + group + "\",\"key\":\"" + key + "\",\"outcome\":\"ACTIVE\",\"sourceAddress\":\"203.0.113.7\"}");
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    rs.next();
                }
            }
            long count;
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM hb_access_key WHERE org_id = ? AND id = ?")) {
                ps.setString(1, org.value());
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    count = rs.getLong("use_count");
                }
            }
            c.commit();
            c.setAutoCommit(true);
            return count;
        }
    }

    @Benchmark
    public KeyUseResult storeEnrollHotKey() {
        return storeEnroll(true);
    }

    @Benchmark
    public long plainEnrollHotKey() throws SQLException {
        return plainEnroll(true);
    }

    @Benchmark
    public KeyUseResult storeEnrollSpread() {
        return storeEnroll(false);
    }

    @Benchmark
    public long plainEnrollSpread() throws SQLException {
        return plainEnroll(false);
    }

    @Benchmark
    public List<Group> storeSubtree() {
        return store.groups().subtree(org, bigGroup);
    }

    @Benchmark
    public int plainSubtree() throws SQLException {
        String prefix = "/" + id("grp", 1) + "/" + id("grp", 2) + "/";
        int rows = 0;
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM hb_group WHERE org_id = ? AND path >= ? AND path < ?")) {
            ps.setString(1, org.value());
            ps.setString(2, prefix);
            ps.setString(3, prefix.substring(0, prefix.length() - 1) + "0");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                }
            }
        }
        return rows;
    }
}
