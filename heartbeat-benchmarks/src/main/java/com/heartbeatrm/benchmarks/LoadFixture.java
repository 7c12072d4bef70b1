package com.heartbeatrm.benchmarks;

import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import com.heartbeatrm.examples.server.ReferenceServer;
import com.heartbeatrm.examples.tls.ServerTls;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * One deployment under load, as an operator runs it: PostgreSQL (a fresh schema) or embedded H2 (a file), the JDBC
 * store, {@link HeartbeatServer}, and the reference server on Jetty over HTTPS with a self-signed key, on loopback.
 * One organization; 1 access key or 1,000 keys, each in its own group. Distinct agents' signed requests are built
 * ahead of time (with BouncyCastle, so that building them costs little), so the clients only send.
 */
final class LoadFixture implements AutoCloseable {
    static final String PG = System.getProperty("heartbeat.bench.postgres", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = System.getProperty("heartbeat.bench.postgres.user", "postgres");
    static final Actor ACTOR = Actor.of("bench");

    final String store;
    final Path dir;
    final HikariDataSource pool;
    final JdbcHeartbeatStore jdbc;
    final HeartbeatServer server;
    final ReferenceServer http;
    final URI base;
    final SSLContext trust;
    final NewOrganization org;
    final List<AccessKey> keys = new ArrayList<>();
    final List<EnrollmentToken> tokens = new ArrayList<>();
    final List<String> installerIds = new ArrayList<>();
    private final String schema;

    LoadFixture(String store, int keyCount) throws Exception {
        this.store = store;
        this.dir = Files.createTempDirectory("hb-load");
        HikariConfig config = new HikariConfig();
        config.setMaximumPoolSize(40);
        config.setMinimumIdle(40);
        if (store.equals("postgresql")) {
            schema = "hbload_" + ProcessHandle.current().pid();
            try (Connection c = DriverManager.getConnection(PG, PG_USER, ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                s.execute("CREATE SCHEMA " + schema);
            }
            config.setJdbcUrl(PG + "?currentSchema=" + schema);
            config.setUsername(PG_USER);
        } else {
            schema = null;
            config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("heartbeat") + ";LOCK_TIMEOUT=60000");
            config.setUsername("sa");
        }
        pool = new HikariDataSource(config);
        jdbc = JdbcHeartbeatStore.create(pool);
        jdbc.migrate();
        ServerTls tls = ServerTls.create(dir, Optional.empty(), Optional.empty(), List.of("127.0.0.1"));
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        server = HeartbeatServer.builder(jdbc, AesGcmKeyEncryptionKey.of("bench", SecretBytes.copyOf(kek, SecretAccess.grant())), "bench")
                .tlsPins(tls.pins()).build();
        server.signingKeys().ensureActiveKey();
        http = ReferenceServer.builder(server.endpoint(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).tls(tls, dir)
                .limits(new ReferenceServer.Limits(256, 4096, 200)).build().start();
        base = URI.create("https://127.0.0.1:" + http.port() + "/v1/");
        trust = tls.clientTrust();
        org = server.admin().organizations().setUp(ACTOR, "Load MSP");
        if (keyCount == 1) {
            keys.add(org.defaultKey());
        } else {
            for (int i = 0; i < keyCount; i++) {
                Group g = server.admin().groups().create(ACTOR, org.id(), org.rootGroup().id(), "Site " + i);
                keys.add(server.admin().accessKeys().create(ACTOR, org.id(), AccessKeySpec.builder("Site " + i + " key", g.id()).build()));
            }
        }
        for (AccessKey k : keys) {
            var issued = server.installers().issueToken(ACTOR, org.id(), k.id(), InstallerRequest.builder().endpoints(List.of(base)).build());
            tokens.add(issued.token());
            installerIds.add(issued.record().id().value());
        }
        seedAgents(SEEDED_AGENTS);
        analyze();
    }

    /** Agents already enrolled before the measured load: a deployment in use, not an empty one. */
    static final int SEEDED_AGENTS = 20_000;

    private void seedAgents(int count) throws java.sql.SQLException {
        long now = System.currentTimeMillis() * 1_000_000L;
        SecureRandom random = new SecureRandom();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (java.sql.PreparedStatement ps = c.prepareStatement(com.heartbeatrm.store.jdbc.internal.Rows.INSERT_AGENT)) {
                for (int i = 0; i < count; i++) {
                    int k = i % keys.size();
                    byte[] fp = new byte[32];
                    random.nextBytes(fp);
                    Object[] row = {org.id().value(), com.heartbeatrm.core.AgentId.random().value(), keys.get(k).groupId().value(), "ACTIVE", now,
                            keys.get(k).id().value(), installerIds.get(k), "seed-" + i, "WINDOWS", java.util.HexFormat.of().formatHex(fp), now, 1L,
                            null, now, now + 86_400_000_000_000L, 0L, "ed25519", null, null, null, null};
                    for (int j = 0; j < row.length; j++) {
                        ps.setObject(j + 1, row[j]);
                    }
                    ps.addBatch();
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    /**
     * Refreshes the planner's statistics, as autovacuum would in a deployment that has run for a while: freshly
     * filled tables otherwise look empty to PostgreSQL, which then scans 1,000 keys by organization instead of
     * using the primary key.
     */
    void analyze() throws java.sql.SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("ANALYZE");
        }
    }

    private static final AtomicInteger NONCES = new AtomicInteger();

    static String nonce(int i) {
        String n = "bench-" + Integer.toString(i, 36) + "-" + Integer.toString(NONCES.incrementAndGet(), 36);
        return (n + "AAAAAAAAAAAAAAAAAAAAAA").substring(0, 24);
    }

    /** {@code count} distinct agents' enrollment requests, round-robin over the keys. */
    List<byte[]> enrollBodies(int count) {
        List<byte[]> out = new ArrayList<>(count);
        Instant at = Instant.now();
        for (int i = 0; i < count; i++) {
            byte[] seed = BcEd25519.generateSeed();
            byte[] pub = BcEd25519.publicKey(seed);
            AgentFacts facts = new AgentFacts("pc-" + i, "windows", "10.0.19045", "1.0.0", Optional.empty());
            out.add(EnrollmentRequest.create(tokens.get(i % tokens.size()), pub, facts, nonce(i), at, m -> BcEd25519.sign(seed, pub, m)).toJson());
        }
        return out;
    }

    /**
     * An enrolled agent as the agent itself holds it: its id, key seed and current credential. The credential moves
     * on with each renewal; one client thread owns an agent at a time, so no two renewals of it race (that would be
     * a clone, and lock it).
     */
    static final class Agent {
        final String agentId;
        final byte[] seed;
        final byte[] publicKey;
        volatile AgentCredential credential;

        Agent(String agentId, byte[] seed, byte[] publicKey, AgentCredential credential) {
            this.agentId = agentId;
            this.seed = seed;
            this.publicKey = publicKey;
            this.credential = credential;
        }

        /** The agent's next renewal request, signed now (BouncyCastle, about 50 µs): what a renewing agent sends. */
        byte[] renewal(String organizationId) {
            return RenewalRequest.create(agentId, organizationId, publicKey, Optional.of(credential), nonce(0), Instant.now(),
                    m -> BcEd25519.sign(seed, publicKey, m)).toJson();
        }
    }

    /** Enrolls {@code count} agents in-process (8 threads), round-robin over the keys. */
    List<Agent> enrolledAgents(int count) throws Exception {
        List<byte[]> seeds = new ArrayList<>(count);
        List<byte[]> bodies = new ArrayList<>(count);
        Instant at = Instant.now();
        for (int i = 0; i < count; i++) {
            byte[] seed = BcEd25519.generateSeed();
            byte[] pub = BcEd25519.publicKey(seed);
            seeds.add(seed);
            AgentFacts facts = new AgentFacts("rn-" + i, "linux", "6.1", "1.0.0", Optional.empty());
            bodies.add(EnrollmentRequest.create(tokens.get(i % tokens.size()), pub, facts, nonce(i), at, m -> BcEd25519.sign(seed, pub, m))
                    .toJson());
        }
        ExecutorService exec = Executors.newFixedThreadPool(8);
        try {
            List<Future<Agent>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(exec.submit(() -> {
                    InetAddress from = InetAddress.getByAddress(new byte[] {10, (byte) (n >> 16), (byte) (n >> 8), (byte) n});
                    EnrollmentResult r = server.enroll(bodies.get(n), server.contextFor(from));
                    if (!(r instanceof EnrollmentResult.Enrolled e)) {
                        throw new IllegalStateException("setup enrollment refused: " + r);
                    }
                    byte[] seed = seeds.get(n);
                    return new Agent(e.agent().id().value(), seed, BcEd25519.publicKey(seed), e.credential());
                }));
            }
            List<Agent> out = new ArrayList<>(count);
            for (Future<Agent> f : futures) {
                out.add(f.get());
            }
            analyze();
            return out;
        } finally {
            exec.shutdown();
        }
    }

    /** The credential in a renewal answer (the agent would parse the whole answer; the load client needs only this). */
    static AgentCredential credentialIn(byte[] answer) {
        String json = new String(answer, java.nio.charset.StandardCharsets.UTF_8);
        int at = json.indexOf("\"credential\":\"");
        if (at < 0) {
            throw new IllegalStateException("no credential in the answer: " + json.substring(0, Math.min(200, json.length())));
        }
        int from = at + "\"credential\":\"".length();
        return AgentCredential.of(json.substring(from, json.indexOf('"', from)));
    }

    @Override
    public void close() throws IOException {
        http.close();
        pool.close();
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(PG, PG_USER, ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (Exception ignored) {
                // best effort
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
