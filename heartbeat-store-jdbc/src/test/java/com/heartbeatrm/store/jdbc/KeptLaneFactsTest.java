package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import com.heartbeatrm.core.spi.EnrollmentJudge;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL: a key lane's next batch judged on the facts its last batch read ({@link LaneFacts}), with the statement
 * checking the rows they came from. Between batches, another node changes what the facts are made of (an installer
 * revoked or edited, a group's settings, a group moved, the key edited, re-pointed or disabled, a throttle bucket
 * blocked, the active signing key rotated, a signing key deleted), or a member brings an agent key or a nonce already
 * used. Each member's outcome must be the one its facts as they are when the batch runs give: the judge writes every
 * fact it used into the agent it admits (a digest in the host name), so a verdict made on stale facts shows. And the
 * kept facts must be used: most batches after a quiet spell run one statement, not two.
 */
@DisplayName("PostgreSQL: a key lane's next batch judged on its last facts")
class KeptLaneFactsTest {
    private static final Actor ALICE = Actor.of("alice");

    /** Counts the statements each batch runs. */
    private static final class Counting extends InterceptingDataSource {
        final AtomicInteger statements = new AtomicInteger();
        final List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());

        Counting(DataSource delegate) {
            super(delegate);
        }

        @Override
        Connection wrap(Connection real) {
            return beforeEachExecute(real, sql -> {
                statements.incrementAndGet();
                ran.add(sql);
            });
        }
    }

    /** A digest of every fact the judge decides on: two verdicts on different facts admit different host names. */
    static String digest(EnrollmentFacts f) {
        StringBuilder b = new StringBuilder();
        AccessKey key = f.key().orElseThrow();
        b.append(key.id()).append('/').append(key.version()).append('/').append(key.groupId()).append('/').append(key.status(Instant.now()));
        for (Group g : f.groupPath()) {
            b.append('|').append(g.id()).append('/').append(g.version()).append('/').append(g.parentId().map(Object::toString).orElse("-"));
        }
        b.append('|').append(f.installer().map(i -> i.id() + "/" + i.version()).orElse("-"));
        b.append('|').append(f.activeSigningKeyId().orElse("-")).append('|').append(f.organization().map(o -> o.id().value()).orElse("-"));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
            return "h-" + HexFormat.of().formatHex(h, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Denies on anything missing, revoked, blocked or unusable; admits into the key's group, the facts' digest as its
     * host name; an agent key already enrolled is that agent.
     */
    static EnrollmentJudge strict(EnrollmentAttempt a) {
        return f -> {
            if (f.existingAgent().isPresent()) {
                return new EnrollmentVerdict.Existing(f.existingAgent().get());
            }
            if (f.organization().isEmpty() || f.key().isEmpty() || f.key().get().status(a.now()) != AccessKeyStatus.ENABLED
                    || f.installer().isEmpty() || f.installer().get().revoked().isPresent() || !f.installer().get().accessKeyId().equals(a.key())
                    || !f.signingKeyKnown() || f.blockedUntil().isPresent() || f.activeSigningKeyId().isEmpty() || f.groupPath().isEmpty()) {
                return new EnrollmentVerdict.Deny();
            }
            AccessKey key = f.key().get();
            Agent agent = new Agent(AgentId.random(), key.organizationId(), key.groupId(), AgentStatus.ACTIVE, a.now(), key.id(),
                    Optional.of(a.installer()), digest(f), Platform.LINUX, a.agentFingerprint(), a.now(), 1, Optional.of(a.now()),
                    Optional.of(a.now().plusSeconds(86400)), 0);
            return new EnrollmentVerdict.Admit(agent, AuditEvent.of(a.now(), agent.organizationId(), Actor.SYSTEM, AuditAction.AGENT_ENROLLED,
                    Subject.of(agent.id()), Map.of(), Map.of()));
        };
    }

    private static final class World implements AutoCloseable {
        final Databases.Fresh fresh;
        final Counting counting;
        final JdbcHeartbeatStore store;
        final HeartbeatAdmin admin;
        final NewOrganization org;
        final Group a;
        final Group b;
        final Group c;
        final AccessKey key;
        final List<String> installers = new ArrayList<>();
        final List<String> signingKeys = new ArrayList<>();
        final List<String> usedFingerprints = new ArrayList<>();
        final List<String> usedNonces = new ArrayList<>();
        final Random random;
        int serial;

        World(long seed) {
            random = new Random(seed);
            fresh = Databases.migrated("postgresql", 4);
            counting = new Counting(fresh.dataSource());
            store = JdbcHeartbeatStore.create(counting);
            admin = HeartbeatAdmin.of(store, java.time.Clock.systemUTC());
            org = admin.organizations().setUp(ALICE, "Acme");
            // The key's group two levels down: root > A > B; C is where A may move.
            a = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "A");
            b = admin.groups().create(ALICE, org.id(), a.id(), "B");
            c = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "C");
            key = org.defaultKey();
            exec("UPDATE hb_access_key SET group_id = ?, version = version + 1 WHERE org_id = ? AND id = ?", b.id().value(), org.id().value(),
                    key.id().value());
            for (int i = 0; i < 3; i++) {
                signingKeys.add(newSigningKey(i == 0 ? "ACTIVE" : "RETIRED"));
            }
            for (int i = 0; i < 3; i++) {
                installers.add(newInstaller());
            }
        }

        String newSigningKey(String status) {
            String id = "hbs_" + String.format("%022d", serial++);
            exec("INSERT INTO hb_signing_key (id, public_key, wrapped_private_key, kek_id, status, created_at) VALUES (?, ?, 'w', 'kek', ?, 0)", id,
                    "A".repeat(43), status);
            return id;
        }

        String newInstaller() {
            String id = InstallerId.random().value();
            exec("INSERT INTO hb_installer (org_id, id, access_key_id, signing_key_id, issued_at, issued_by, format, use_count, version)"
                    + " VALUES (?, ?, ?, ?, 0, 'alice', 'token', 0, 0)", org.id().value(), id, key.id().value(), signingKeys.get(0));
            return id;
        }

        void exec(String sql, Object... params) {
            try (Connection conn = fresh.dataSource().getConnection(); PreparedStatement ps = Sql.prepare(conn, sql, params)) {
                ps.executeUpdate();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** What undoes the last change, if it left members denied (so that most batches can enroll): run one batch later. */
        final List<Runnable> undo = new ArrayList<>();

        /** One change another node makes between batches; returns what it was. */
        String change() {
            String org = this.org.id().value();
            undo.forEach(Runnable::run);
            undo.clear();
            // Half the batches follow no change.
            switch (random.nextInt(20)) {
                case 0 -> {
                    String revoked = pick(installers);
                    exec("UPDATE hb_installer SET revoked_at = 1, revoked_by = 'alice', revoked_reason = 'lost', version = version + 1"
                            + " WHERE org_id = ? AND id = ?", org, revoked);
                    installers.add(newInstaller());
                    undo.add(() -> installers.remove(revoked));
                    return "installer revoked";
                }
                case 1 -> {
                    exec("UPDATE hb_installer SET expires_at = ?, version = version + 1 WHERE org_id = ? AND id = ?", 4_000_000_000_000_000_000L + serial++,
                            org, pick(installers));
                    return "installer edited";
                }
                case 2 -> {
                    Group g = pick(List.of(this.org.rootGroup(), a, b));
                    // As a change of its settings does (the judge here reads the version, not the settings).
                    exec("UPDATE hb_group SET version = version + 1 WHERE org_id = ? AND id = ?", org, g.id().value());
                    return "settings of " + g.name();
                }
                case 3 -> {
                    // A to C and back: B's path is rewritten, A's version moves.
                    Group parent = admin.groups().require(this.org.id(), a.id()).parentId().orElseThrow().equals(c.id()) ? this.org.rootGroup() : c;
                    admin.groups().move(ALICE, this.org.id(), a.id(), parent.id());
                    return "A moved under " + parent.name();
                }
                case 4 -> {
                    exec("UPDATE hb_access_key SET name = ?, version = version + 1 WHERE org_id = ? AND id = ?", "k" + serial++, org, key.id().value());
                    return "key edited";
                }
                case 5 -> {
                    Group to = pick(List.of(a, b));
                    exec("UPDATE hb_access_key SET group_id = ?, version = version + 1 WHERE org_id = ? AND id = ?", to.id().value(), org,
                            key.id().value());
                    return "key re-pointed to " + to.name();
                }
                case 6 -> {
                    exec("UPDATE hb_access_key SET disabled_at = 1, disabled_by = 'alice', version = version + 1 WHERE org_id = ? AND id = ?", org,
                            key.id().value());
                    undo.add(() -> exec("UPDATE hb_access_key SET disabled_at = NULL, disabled_by = NULL, version = version + 1"
                            + " WHERE org_id = ? AND id = ?", org, key.id().value()));
                    return "key disabled";
                }
                case 7 -> {
                    // One bucket blocked (or none), the others' blocks expired.
                    int blocked = random.nextInt(4);
                    for (int i = 0; i < 3; i++) {
                        exec("INSERT INTO hb_throttle (bucket, failures, blocked_until) VALUES (?, 5, ?) ON CONFLICT (bucket) DO UPDATE"
                                + " SET blocked_until = EXCLUDED.blocked_until", "b" + i, i == blocked ? Long.MAX_VALUE : 1L);
                    }
                    undo.add(() -> exec("UPDATE hb_throttle SET blocked_until = 1"));
                    return "throttle b" + blocked;
                }
                case 8 -> {
                    exec("UPDATE hb_signing_key SET status = 'RETIRED' WHERE status = 'ACTIVE'");
                    exec("UPDATE hb_signing_key SET status = 'ACTIVE' WHERE id = ?", pick(signingKeys));
                    return "signing key rotated";
                }
                case 9 -> {
                    // Perhaps the active one: then there is none until the next change activates one.
                    String gone = signingKeys.remove(random.nextInt(signingKeys.size()));
                    exec("DELETE FROM hb_signing_key WHERE id = ?", gone);
                    signingKeys.add(newSigningKey("RETIRED"));
                    undo.add(() -> exec("UPDATE hb_signing_key SET status = 'ACTIVE' WHERE id = ? AND NOT EXISTS"
                            + " (SELECT 1 FROM hb_signing_key WHERE status = 'ACTIVE')", signingKeys.get(0)));
                    return "signing key deleted";
                }
                default -> {
                    return "nothing";
                }
            }
        }

        <T> T pick(List<T> from) {
            return from.get(random.nextInt(from.size()));
        }

        EnrollmentAttempt attempt() {
            byte[] fp = new byte[32];
            random.nextBytes(fp);
            String fingerprint = !usedFingerprints.isEmpty() && random.nextInt(20) == 0 ? pick(usedFingerprints) : HexFormat.of().formatHex(fp);
            String nonce = !usedNonces.isEmpty() && random.nextInt(20) == 0 ? pick(usedNonces) : "n" + Long.toHexString(random.nextLong()) + "0000000000000000";
            usedFingerprints.add(fingerprint);
            usedNonces.add(nonce);
            // Members of one key name its live installers and, now and then, a signing key that is gone.
            String kid = random.nextInt(20) == 0 ? "hbs_" + String.format("%022d", 999_999) : pick(signingKeys);
            Instant now = Instant.now();
            return new EnrollmentAttempt(org.id(), new InstallerId(pick(installers)), key.id(), kid, fingerprint, nonce, now.plusSeconds(300), now,
                    random.nextInt(4) == 0 ? Optional.empty() : Optional.of("b" + random.nextInt(3)));
        }

        @Override
        public void close() {
            fresh.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hb_ tables", "a table prefix and a schema"})
    @DisplayName("the server's own judge: after a computer's enrollment, the next ones on the token read no facts")
    void theServersJudgeTakesKeptFacts(String placement) throws Exception {
        boolean placed = !placement.startsWith("hb_");
        String schema = "hbk_" + Long.toHexString(System.nanoTime() & 0xffffff);
        try (Databases.Fresh fresh = placed ? Databases.empty("postgresql", 4) : Databases.migrated("postgresql", 4)) {
            Counting counting = new Counting(fresh.dataSource());
            JdbcHeartbeatStore store = placed ? JdbcHeartbeatStore.builder(counting).tablePrefix("acme_").schema(schema).build()
                    : JdbcHeartbeatStore.create(counting);
            if (placed) {
                store.migrate();
            }
            try {
                serversJudge(store, counting, placed ? "FROM " + schema + ".acme_installer" : "FROM hb_installer");
            } finally {
                if (placed) {
                    Databases.exec(fresh.dataSource(), "DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }

    private static void serversJudge(JdbcHeartbeatStore store, Counting counting, String installerTable) throws Exception {
        {
            Node node = new Node(store, java.time.Clock.systemUTC());
            NewOrganization org = node.admin.organizations().setUp(ALICE, "Acme MSP");
            com.heartbeatrm.protocol.EnrollmentToken token = node.token(ALICE, org.id(), org.defaultKey().id());
            java.net.InetAddress from = java.net.InetAddress.getByName("203.0.113.5");
            for (int i = 0; i < 12; i++) {
                counting.ran.clear();
                assertThat(node.server.enroll(Node.request(token, "pc-" + i), node.server.contextFor(from)))
                        .isInstanceOf(com.heartbeatrm.enrollment.EnrollmentResult.Enrolled.class);
                List<String> ran = List.copyOf(counting.ran);
                boolean readFacts = ran.stream().anyMatch(q -> q.contains("LEFT JOIN " + installerTable.substring(5) + " i"));
                boolean kept = ran.stream().anyMatch(q -> q.startsWith("WITH n AS (") && q.contains("), g AS (") && q.contains(installerTable));
                assertThat(readFacts).as("enrollment %d read its facts: %s", i, ran).isEqualTo(i == 0);
                assertThat(kept).as("enrollment %d judged on kept facts: %s", i, ran).isEqualTo(i > 0);
            }
            assertThat(node.admin.agents().listByKey(org.id(), org.defaultKey().id(), com.heartbeatrm.core.PageRequest.first(100)).items()).hasSize(12);
        }
    }

    @org.junit.jupiter.api.Test
    @DisplayName("a group path is kept only as a chain from a root to the key's group")
    void onlyChainsAreKept() {
        com.heartbeatrm.core.OrganizationId org = com.heartbeatrm.core.OrganizationId.random();
        Group root = group(org, null, "root", 0);
        Group a = group(org, root, "A", 0);
        Group b = group(org, a, "B", 0);
        Group c = group(org, root, "C", 0);
        // A moved under C between the two reads: A's row is current, the list is no path.
        Group aMoved = new Group(a.id(), org, Optional.of(c.id()), "A", a.settings(), a.createdAt(), 1);
        AccessKey onB = keyOn(org, b);
        assertThat(LaneFacts.isChain(List.of(root, a, b), onB)).isTrue();
        assertThat(LaneFacts.isChain(List.of(root, aMoved, b), onB)).isFalse();
        assertThat(LaneFacts.isChain(List.of(a, b), onB)).as("no root").isFalse();
        assertThat(LaneFacts.isChain(List.of(root, a), onB)).as("not the key's group").isFalse();
        assertThat(LaneFacts.isChain(List.of(root, c, b), onB)).as("B is not C's child").isFalse();
        assertThat(LaneFacts.isChain(List.of(), onB)).isFalse();
        assertThat(LaneFacts.isChain(List.of(root), keyOn(org, root))).isTrue();
    }

    @org.junit.jupiter.api.Test
    @DisplayName("statement texts that vary with a batch's members: a prefixed store keeps at most MAX_REWRITTEN rewritten")
    void rewrittenStatementsAreBounded() {
        com.heartbeatrm.store.jdbc.internal.Tables tables = com.heartbeatrm.store.jdbc.internal.Tables.of("acme_", Optional.of("s"));
        int n = com.heartbeatrm.store.jdbc.internal.Tables.MAX_REWRITTEN + 500;
        for (int i = 0; i < n; i++) {
            assertThat(tables.sql("SELECT 1 FROM hb_throttle WHERE bucket IN (" + "?, ".repeat(i % 64) + "?) AND " + i + " > 0"))
                    .startsWith("SELECT 1 FROM s.acme_throttle WHERE");
        }
        assertThat(tables.rewrittenKept()).isEqualTo(com.heartbeatrm.store.jdbc.internal.Tables.MAX_REWRITTEN);
    }

    private static Group group(com.heartbeatrm.core.OrganizationId org, Group parent, String name, long version) {
        return new Group(com.heartbeatrm.core.GroupId.random(), org, parent == null ? Optional.empty() : Optional.of(parent.id()), name,
                com.heartbeatrm.core.GroupSettings.NONE, Instant.parse("2026-01-01T00:00:00Z"), version);
    }

    private static AccessKey keyOn(com.heartbeatrm.core.OrganizationId org, Group g) {
        return new AccessKey(com.heartbeatrm.core.AccessKeyId.random(), org, "k", g.id(), false, Instant.parse("2026-01-01T00:00:00Z"), ALICE,
                Optional.empty(), java.util.OptionalLong.empty(), 0, Optional.empty(), Optional.empty(), com.heartbeatrm.core.KeyRestrictions.NONE,
                Optional.empty(), 0);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    @DisplayName("after any change between batches, each member gets the outcome of its facts as they are; quiet batches run one statement")
    void outcomesFollowTheFactsAsTheyAre(long seed) {
        try (World w = new World(seed)) {
            JdbcAgents agents = (JdbcAgents) w.store.agents();
            int oneStatement = 0;
            int quiet = 0; // batches after no change whose members all enroll
            List<String> log = new ArrayList<>();
            for (int batch = 0; batch < 200; batch++) {
                String change = batch == 0 ? "nothing" : w.change();
                log.add(batch + ": " + change);
                int n = 1 + w.random.nextInt(5);
                List<KeyLanes.Member> members = new ArrayList<>();
                List<Object> expected = new ArrayList<>();
                java.util.Set<String> fingerprints = new java.util.HashSet<>();
                java.util.Set<String> nonces = new java.util.HashSet<>();
                for (int i = 0; i < n; i++) {
                    EnrollmentAttempt at = w.attempt();
                    if (!fingerprints.add(at.agentFingerprint()) || !nonces.add(at.nonceKey())) {
                        continue; // a lane never takes two members with one agent key; one nonce twice is the batch test's
                    }
                    EnrollmentJudge judge = strict(at);
                    members.add(new KeyLanes.Member(at, judge));
                    // What the facts as they are now give this member, alone.
                    EnrollmentFacts now = agents.enrollmentFacts(at);
                    EnrollmentVerdict v = judge.judge(now);
                    if (v instanceof EnrollmentVerdict.Deny) {
                        expected.add(new EnrollmentCommit.Denied());
                    } else if (now.nonceSeen()) {
                        expected.add(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.REPLAYED));
                    } else if (v instanceof EnrollmentVerdict.Existing e) {
                        expected.add(new EnrollmentCommit.AlreadyEnrolled(e.agent()));
                    } else {
                        expected.add(((EnrollmentVerdict.Admit) v).agent().hostname());
                    }
                }
                w.counting.statements.set(0);
                agents.enrollBatch(members);
                int ran = w.counting.statements.get();
                if (change.equals("nothing") && batch > 0 && expected.stream().allMatch(String.class::isInstance)) {
                    quiet++;
                    if (ran == 1) {
                        oneStatement++;
                    }
                }
                for (int i = 0; i < members.size(); i++) {
                    Object outcome = members.get(i).outcome;
                    String why = String.join("\n", log) + "\nmember " + i + " of " + members.size();
                    if (expected.get(i) instanceof String host) {
                        assertThat(outcome).as(why).isInstanceOfSatisfying(EnrollmentCommit.Enrolled.class,
                                e -> assertThat(e.agent().hostname()).as(why + ": judged on the facts as they are").isEqualTo(host));
                    } else {
                        assertThat(outcome).as(why).isEqualTo(expected.get(i));
                    }
                }
            }
            // Quiet batches of members that all enroll: judged on kept facts, one statement, unless a member names an
            // installer or signing key the lane has not read yet.
            assertThat(quiet).as("quiet batches").isGreaterThanOrEqualTo(6);
            assertThat(oneStatement).as("quiet batches in one statement: " + oneStatement + " of " + quiet).isGreaterThanOrEqualTo(quiet / 2);
        }
    }
}
