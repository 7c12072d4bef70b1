package com.heartbeatrm.benchmarks;

import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.StaleAgentPolicy;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.RenewalResult;
import com.heartbeatrm.enrollment.RetentionPolicy;
import com.heartbeatrm.enrollment.SweepReport;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Bytes per agent, per table, on PostgreSQL, for the capacity model in BENCHMARKS.md.
 *
 * <p>A real deployment first: the JDBC store's own schema (all migrations), one organization with 50 groups, and one
 * agent enrolled and renewed {@code RENEWALS} times through {@link HeartbeatServer} with real signed requests. Its rows
 * (the agent, its enrollment audit event, its installer record, its renewals' nonces) are the templates; SQL
 * ({@code generate_series}) then copies them {@code AGENTS} times with fresh ids, fingerprints, host names and times of
 * the same lengths, which is what the store would write for that many agents, a million times faster. Then VACUUM
 * ANALYZE and {@code pg_total_relation_size} (heap, TOAST and indexes) per table, divided by its rows.
 *
 * <p>Beside it, measured in the same run: the agents table after one renewal of every agent (the UPDATE a renewal
 * makes, then a plain VACUUM: the steady size, with room for the next round), with and without the V4 last-seen index
 * (whose cost is that a renewal's update of last_seen_at can no longer be HOT); the audit retention's batched deletes
 * through the store (rows per second and the slowest batch); and one sweep removing a group's stale agents.
 *
 * <p>Run (not in CI; about 15 minutes on 2 cores, 13 on 2026-12-07; it drops and recreates the schema {@code footprint} of the database):
 * {@code createdb -h 127.0.0.1 -U postgres bench; java -cp heartbeat-benchmarks/target/benchmarks.jar
 * com.heartbeatrm.benchmarks.StorageFootprint [agents] [jdbc-url]} (default 1000000 and
 * {@code jdbc:postgresql://127.0.0.1:5432/bench}, user postgres).
 */
public final class StorageFootprint {
    private static final Actor ACTOR = Actor.of("bench");
    private static final int GROUPS = 50;
    private static final int RENEWALS = 3;
    private static final int CHUNK = 250_000;
    /** The copies' times are a minute apart (nanoseconds): a million agents span about two years of history. */
    private static final long STEP = 60_000_000_000L;
    private static final String SCHEMA = "footprint";
    private static final List<String> TABLES = List.of("hb_agent", "hb_audit", "hb_installer", "hb_nonce", "hb_group", "hb_access_key",
            "hb_organization", "hb_signing_key", "hb_throttle");

    private StorageFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int agents = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String url = args.length > 1 ? args[1] : "jdbc:postgresql://127.0.0.1:5432/bench";
        String user = System.getProperty("heartbeat.bench.postgres.user", "postgres");
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url + "?currentSchema=" + SCHEMA);
        config.setUsername(user);
        config.setMaximumPoolSize(4);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            run(pool, agents);
        }
    }

    private static void run(HikariDataSource pool, int agents) throws Exception {
        JdbcHeartbeatStore store = JdbcHeartbeatStore.create(pool);
        store.migrate();
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        HeartbeatServer server = HeartbeatServer.builder(store, AesGcmKeyEncryptionKey.of("bench", SecretBytes.copyOf(kek, SecretAccess.grant())),
                "https://rmm.example").endpoints(List.of(java.net.URI.create("https://rmm.example/v1/"))).retention(RetentionPolicy.builder().batchSize(1000).maxWorkPerRun(20_000).build()).build();
        server.signingKeys().ensureActiveKey();
        NewOrganization org = server.admin().organizations().setUp(ACTOR, "Footprint MSP");
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < GROUPS; i++) {
            Group g = server.admin().groups().create(ACTOR, org.id(), org.rootGroup().id(), "Customer " + i);
            server.admin().accessKeys().create(ACTOR, org.id(), AccessKeySpec.builder("Customer " + i + " key", g.id()).build());
            groups.add(g);
        }
        EnrollmentToken token = server.installers().issueToken(ACTOR, org.id(), org.defaultKey().id(),
                InstallerRequest.builder().expiresIn(Duration.ofDays(30)).build()).token();
        AgentKeyPair keys = AgentKeyPair.generate();
        InetAddress site = InetAddress.getByName("203.0.113.7");
        byte[] enroll = EnrollmentRequest.create(token, keys, new AgentFacts("DESKTOP-7Q2K9LM", "windows", "10.0.19045", "1.4.2", Optional.empty()),
                Clock.systemUTC()).toJson();
        EnrollmentResult.Enrolled enrolled = (EnrollmentResult.Enrolled) server.enroll(enroll, server.contextFor(site));
        Agent template = enrolled.agent();
        AgentCredential credential = enrolled.credential();
        long auditAfterEnroll = count(pool, "SELECT COUNT(*) FROM hb_audit");
        for (int i = 0; i < RENEWALS; i++) {
            byte[] renew = RenewalRequest.create(template.id().value(), org.id().value(), keys, Optional.of(credential), Clock.systemUTC()).toJson();
            credential = ((RenewalResult.Renewed) server.renew(renew, server.contextFor(site))).credential();
        }
        long auditAfterRenewals = count(pool, "SELECT COUNT(*) FROM hb_audit");
        System.out.printf(Locale.ROOT, "template agent enrolled and renewed %d times: audit rows %d after enrollment, %d after renewals;"
                + " nonce rows %d%n", RENEWALS, auditAfterEnroll, auditAfterRenewals, count(pool, "SELECT COUNT(*) FROM hb_nonce"));

        String groupArray = "ARRAY[" + String.join(", ", groups.stream().map(g -> "'" + g.id().value() + "'").toList()) + "]";
        String tid = template.id().value();
        long t0 = System.nanoTime();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            for (int from = 1; from <= agents; from += CHUNK) {
                int to = Math.min(agents, from + CHUNK - 1);
                String series = "generate_series(" + from + ", " + to + ") g";
                // Ids, fingerprints and host names of the template's lengths; enrollment and last-seen times one ms apart.
                s.executeUpdate("INSERT INTO hb_agent (org_id, id, group_id, status, enrolled_at, access_key_id, installer_id, hostname, platform,"
                        + " fingerprint, last_seen_at, credential_generation, renewal_nonce, credential_issued_at, credential_expires_at, version)"
                        + " SELECT t.org_id, " + id("t.id", "'a'") + ", (" + groupArray + ")[1 + g % " + GROUPS + "], t.status,"
                        + " t.enrolled_at - g * " + STEP + ", t.access_key_id, " + id("t.installer_id", "'i'") + ","
                        + " 'DESKTOP-' || upper(substr(md5('h' || g), 1, length(t.hostname) - 8)), t.platform, md5(g::text) || md5('f' || g),"
                        + " t.last_seen_at - g * " + STEP + ", t.credential_generation, t.renewal_nonce, t.credential_issued_at, t.credential_expires_at,"
                        + " t.version FROM hb_agent t CROSS JOIN " + series + " WHERE t.id = '" + tid + "'");
                s.executeUpdate("INSERT INTO hb_audit (org_id, at, actor, action, subject_type, subject_id, before_json, after_json)"
                        + " SELECT t.org_id, t.at - g * " + STEP + ", t.actor, t.action, t.subject_type, " + id("t.subject_id", "'a'") + ","
                        + " t.before_json, t.after_json FROM hb_audit t CROSS JOIN " + series
                        + " WHERE t.subject_id = '" + tid + "' AND t.action = 'AGENT_ENROLLED'");
                // One installer per agent: the worst case, a single-use download link for every computer.
                s.executeUpdate("INSERT INTO hb_installer (org_id, id, access_key_id, signing_key_id, issued_at, issued_by, expires_at, platform,"
                        + " format, base_sha256, base_size, output_sha256, output_size, revoked_at, revoked_by, revoked_reason, max_uses, use_count,"
                        + " version) SELECT t.org_id, " + id("t.id", "'i'") + ", t.access_key_id, t.signing_key_id, t.issued_at - g * " + STEP + ","
                        + " t.issued_by, t.expires_at - g * " + STEP + ", t.platform, t.format, t.base_sha256, t.base_size, t.output_sha256, t.output_size,"
                        + " t.revoked_at, t.revoked_by, t.revoked_reason, t.max_uses, t.use_count, t.version FROM hb_installer t CROSS JOIN "
                        + series + " WHERE t.id = '" + template.installerId().orElseThrow().value() + "'");
            }
            // Nonces live until they expire (minutes): one per renewal in flight. A tenth of the agents' worth is plenty.
            s.executeUpdate("INSERT INTO hb_nonce (nonce, expires_at) SELECT md5(g::text) || md5('f' || g) || substr(t.nonce, 65),"
                    + " t.expires_at FROM (SELECT * FROM hb_nonce LIMIT 1) t CROSS JOIN generate_series(1, " + Math.max(1, agents / 10) + ") g");
            s.execute("VACUUM ANALYZE");
        }
        System.out.printf(Locale.ROOT, "filled %,d agents in %.0f s%n%n", agents, (System.nanoTime() - t0) / 1e9);
        sizes(pool, agents, "after the fill (VACUUM ANALYZE)");

        renewalRound(pool, "with the V4 index agent_by_seen (first round after the fill)");
        renewalRound(pool, "with the V4 index agent_by_seen");
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP INDEX hb_agent_by_seen");
        }
        renewalRound(pool, "without agent_by_seen (as before V4; first round without it)");
        renewalRound(pool, "without agent_by_seen (as before V4)");
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            long t = System.nanoTime();
            s.execute("CREATE INDEX hb_agent_by_seen ON hb_agent (org_id, group_id, last_seen_at, id)");
            System.out.printf(Locale.ROOT, "CREATE INDEX agent_by_seen on %,d agents: %.1f s%n%n", agents, (System.nanoTime() - t) / 1e9);
        }

        // Audit retention through the store: the oldest tenth, in batches of 1,000.
        Instant cutoff = oldest(pool, "hb_audit", "at", agents / 10);
        long deleted = 0;
        long slowest = 0;
        long start = System.nanoTime();
        int n;
        do {
            long b = System.nanoTime();
            n = store.audit().deleteRecordedBefore(org.id(), cutoff, 1000);
            slowest = Math.max(slowest, System.nanoTime() - b);
            deleted += n;
        } while (n == 1000);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "audit retention: %,d rows deleted in batches of 1,000 in %.1f s (%,.0f rows/s), slowest batch %.0f ms%n",
                deleted, seconds, deleted / seconds, slowest / 1e6);

        // One sweep (at most 20,000 rows of work): the root's stale rule removes agents last seen before the oldest tenth's bound.
        Instant seenCutoff = oldest(pool, "hb_agent", "last_seen_at", agents / 10);
        Duration offline = Duration.between(seenCutoff, Instant.now());
        server.admin().groups().setOverride(ACTOR, org.id(), org.rootGroup().id(), SecuritySetting.STALE_AGENTS,
                StaleAgentPolicy.removeAfter(Duration.ofDays(Math.max(1, offline.toDays()))));
        start = System.nanoTime();
        SweepReport report = server.sweep();
        seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "sweep: %s in %.1f s (%,.0f agents removed/s, each with its audit row)%n%n", report, seconds,
                report.agentsRemoved() / seconds);
        server.close();
    }

    /** A well-formed id (prefix, 21 characters, a last one of 4) of {@code column}'s length, derived from the series number. */
    private static String id(String column, String salt) {
        return "substr(" + column + ", 1, 4) || substr(md5(" + salt + " || g) || md5(g || " + salt + "), 1, length(" + column + ") - 5) || 'A'";
    }

    /** The {@code n}-th oldest value of a nanosecond time column. */
    private static Instant oldest(HikariDataSource pool, String table, String column, int n) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + table + " ORDER BY "
                + column + " OFFSET ? LIMIT 1")) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long nanos = rs.getLong(1);
                return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
            }
        }
    }

    /** Every agent renews once (the UPDATE a renewal makes), then a plain VACUUM: the table's steady size. */
    private static void renewalRound(HikariDataSource pool, String label) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            long before = hot(c);
            long t = System.nanoTime();
            s.executeUpdate("UPDATE hb_agent SET credential_generation = credential_generation + 1, renewal_nonce = renewal_nonce,"
                    + " credential_issued_at = credential_issued_at + 1, credential_expires_at = credential_expires_at + 1,"
                    + " last_seen_at = last_seen_at + 1");
            double seconds = (System.nanoTime() - t) / 1e9;
            s.execute("VACUUM ANALYZE hb_agent");
            // The statistics collector reports the update's HOT count once the transaction ended.
            s.execute("SELECT pg_stat_force_next_flush()");
            long[] after = hotAndTotal(c);
            System.out.printf(Locale.ROOT, "renewal round %s: UPDATE of every agent %.1f s, HOT updates %,d of %,d%n", label, seconds,
                    after[0] - before, after[1]);
        }
        table(pool, "hb_agent", "after one renewal of every agent and VACUUM, " + label);
    }

    private static long hot(Connection c) throws SQLException {
        return hotAndTotal(c)[0];
    }

    private static long[] hotAndTotal(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT n_tup_hot_upd, (SELECT COUNT(*) FROM hb_agent)"
                + " FROM pg_stat_user_tables WHERE relname = 'hb_agent' AND schemaname = '" + SCHEMA + "'")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    private static void sizes(HikariDataSource pool, int agents, String label) throws SQLException {
        System.out.println("| table | rows | heap + TOAST MB | indexes MB | total MB | bytes per row | bytes per agent |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        long total = 0;
        try (Connection c = pool.getConnection()) {
            for (String t : TABLES) {
                long[] s = size(c, t);
                total += s[3];
                System.out.printf(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.1f | %s | %.1f |%n", t, s[0], (s[3] - s[2]) / 1e6, s[2] / 1e6, s[3] / 1e6,
                        s[0] == 0 ? "-" : String.format(Locale.ROOT, "%.0f", (double) s[3] / s[0]), (double) s[3] / agents);
            }
        }
        System.out.printf(Locale.ROOT, "| all | | | | %.1f | | %.1f |%n(%s)%n%n", total / 1e6, (double) total / agents, label);
        System.out.println("| index | MB | bytes per row |");
        System.out.println("| --- | ---: | ---: |");
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT i.indexrelname, pg_relation_size(i.indexrelid),"
                + " t.n_live_tup FROM pg_stat_user_indexes i JOIN pg_stat_user_tables t ON t.relid = i.relid WHERE i.schemaname = ?"
                + " AND t.relname IN ('hb_agent', 'hb_audit', 'hb_installer') ORDER BY t.relname, i.indexrelname")) {
            ps.setString(1, SCHEMA);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    System.out.printf(Locale.ROOT, "| %s | %.1f | %.0f |%n", rs.getString(1), rs.getLong(2) / 1e6, (double) rs.getLong(2) / rs.getLong(3));
                }
            }
        }
        System.out.println();
    }

    private static void table(HikariDataSource pool, String table, String label) throws SQLException {
        try (Connection c = pool.getConnection()) {
            long[] s = size(c, table);
            System.out.printf(Locale.ROOT, "%s %s: heap %.1f MB, indexes %.1f MB, total %.1f MB, %.0f bytes per row%n%n", table, label,
                    (s[3] - s[2]) / 1e6, s[2] / 1e6, s[3] / 1e6, (double) s[3] / s[0]);
        }
    }

    /** Rows, heap only, indexes, total (heap, TOAST, indexes). */
    private static long[] size(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT COUNT(*) FROM " + table + "), pg_relation_size(?::regclass),"
                + " pg_indexes_size(?::regclass), pg_total_relation_size(?::regclass)")) {
            ps.setString(1, table);
            ps.setString(2, table);
            ps.setString(3, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
            }
        }
    }

    private static long count(HikariDataSource pool, String query) throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
