package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A group moved while a key lane reads its facts ({@link LaneFacts}). The facts are read in two statements (the key's
 * group with its materialized path, then its ancestors by the ids in that path: {@link JdbcGroups#pathOf}); a move of an
 * ancestor that commits between the two gives a list of current rows that is no group's path: the moved ancestor at its
 * new version, with its new parent, under its old one. The batch that read it is judged on it once, as before kept
 * facts; later batches must not be. Found by an independent review: a lane that kept such a path (each version the
 * statement checked was current) made the server's judge throw on every later enrollment ({@code EffectiveSettings}
 * refuses a path that is no chain), and a judge that does not check admitted on it. Three things stop it now, and
 * these tests failed without them: a path is kept only as a chain ({@link LaneFacts#isChain}); the statement checks the
 * key group's materialized path; kept facts the judge throws on are dropped.
 */
@DisplayName("a key lane after a group moved between its two reads")
class LanePathRaceTest {
    private static final Actor ALICE = Actor.of("alice");
    private static final String PATH_READ = "FROM hb_group WHERE org_id = ? AND id IN (";

    /** Runs {@code before} (once) just before the store executes the group path read of {@link JdbcGroups#pathOf}. */
    private static final class Racing extends InterceptingDataSource {
        final AtomicReference<Runnable> before = new AtomicReference<>();

        Racing(DataSource delegate) {
            super(delegate);
        }

        @Override
        Connection wrap(Connection real) {
            return beforeEachExecute(real, sql -> {
                Runnable r = sql.contains(PATH_READ) ? before.getAndSet(null) : null;
                if (r != null) {
                    r.run();
                }
            });
        }
    }

    private static Object outcome(Node node, EnrollmentToken token, String host) throws Exception {
        try {
            return node.server.enroll(Node.request(token, host), node.server.contextFor(InetAddress.getByName("203.0.113.7")));
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    @DisplayName("the server: after one enrollment met the move, every later enrollment on the token still enrolls")
    void theServerRecoversAfterTheRace() throws Exception {
        try (Databases.Fresh fresh = Databases.migrated("postgresql", 4)) {
            Racing racing = new Racing(fresh.dataSource());
            Node node = new Node(JdbcHeartbeatStore.create(racing), Clock.systemUTC());
            // Another node, on the same database: an admin's move.
            Node other = new Node(fresh.dataSource());
            NewOrganization org = node.admin.organizations().setUp(ALICE, "Acme");
            Group a = node.admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "A");
            Group b = node.admin.groups().create(ALICE, org.id(), a.id(), "B");
            Group c = node.admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "C");
            AccessKey key = org.defaultKey();
            Databases.exec(fresh.dataSource(), "UPDATE hb_access_key SET group_id = '" + b.id().value() + "', version = version + 1 WHERE id = '"
                    + key.id().value() + "'");
            EnrollmentToken token = node.token(ALICE, org.id(), key.id());

            // The lane's first read meets the move of A under C between its facts and its group path.
            racing.before.set(() -> other.admin.groups().move(ALICE, org.id(), a.id(), c.id()));
            Object first = outcome(node, token, "pc-0");
            assertThat(racing.before.get()).as("the move ran between the two reads").isNull();

            // Nothing changes any more: the group path is root > C > A > B, a chain. Every enrollment should enroll.
            List<Object> later = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                later.add(outcome(node, token, "pc-" + i));
            }
            // And after an admin's change of the key (a version the statement checks).
            Databases.exec(fresh.dataSource(), "UPDATE hb_access_key SET name = 'renamed', version = version + 1 WHERE id = '" + key.id().value() + "'");
            later.add(outcome(node, token, "pc-6"));
            assertThat(later).as("first, during the move: %s", first)
                    .allSatisfy(r -> assertThat(r).isInstanceOf(com.heartbeatrm.enrollment.EnrollmentResult.Enrolled.class));
        }
    }

    @Test
    @DisplayName("the store: an enrollment after the race is judged on the group path as it is")
    void laterEnrollmentsAreJudgedOnThePathAsItIs() throws Exception {
        try (Databases.Fresh fresh = Databases.migrated("postgresql", 4)) {
            Racing racing = new Racing(fresh.dataSource());
            JdbcHeartbeatStore store = JdbcHeartbeatStore.create(racing);
            com.heartbeatrm.core.HeartbeatAdmin admin = com.heartbeatrm.core.HeartbeatAdmin.of(JdbcHeartbeatStore.create(fresh.dataSource()),
                    Clock.systemUTC());
            NewOrganization org = admin.organizations().setUp(ALICE, "Acme");
            Group a = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "A");
            Group b = admin.groups().create(ALICE, org.id(), a.id(), "B");
            Group c = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "C");
            AccessKey key = org.defaultKey();
            String orgId = org.id().value();
            exec(fresh.dataSource(), "UPDATE hb_access_key SET group_id = ?, version = version + 1 WHERE org_id = ? AND id = ?", b.id().value(), orgId,
                    key.id().value());
            String signingKey = "hbs_" + String.format("%022d", 1);
            exec(fresh.dataSource(), "INSERT INTO hb_signing_key (id, public_key, wrapped_private_key, kek_id, status, created_at) VALUES (?, ?, 'w', 'kek', 'ACTIVE', 0)",
                    signingKey, "A".repeat(43));
            String installer = InstallerId.random().value();
            exec(fresh.dataSource(), "INSERT INTO hb_installer (org_id, id, access_key_id, signing_key_id, issued_at, issued_by, format, use_count, version)"
                    + " VALUES (?, ?, ?, ?, 0, 'alice', 'token', 0, 0)", orgId, installer, key.id().value(), signingKey);
            JdbcAgents agents = (JdbcAgents) store.agents();
            Random random = new Random(7);

            racing.before.set(() -> admin.groups().move(ALICE, org.id(), a.id(), c.id()));
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] fp = new byte[32];
                random.nextBytes(fp);
                Instant now = Instant.now();
                EnrollmentAttempt at = new EnrollmentAttempt(org.id(), new InstallerId(installer), key.id(), signingKey, HexFormat.of().formatHex(fp),
                        "n" + Long.toHexString(random.nextLong()) + "0000000000000000", now.plusSeconds(300), now, Optional.of("b0"));
                EnrollmentCommit commit = agents.judgeAndEnroll(at, f -> KeptLaneFactsTest.strict(at).judge(f)).commit();
                assertThat(commit).isInstanceOf(EnrollmentCommit.Enrolled.class);
                // The enrollment is over: the facts as they are now are the facts it committed against.
                EnrollmentFacts asTheyAre = agents.enrollmentFacts(at);
                String host = ((EnrollmentCommit.Enrolled) commit).agent().hostname();
                if (i > 0 && !host.equals(KeptLaneFactsTest.digest(asTheyAre))) {
                    wrong.add("enrollment " + i + " judged on a path that is not the key group's: now " + asTheyAre.groupPath());
                }
            }
            assertThat(wrong).as("enrollments after the race judged on kept facts that are not the facts as they are").isEmpty();
        }
    }

    private static void exec(DataSource ds, String sql, Object... params) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = Sql.prepare(c, sql, params)) {
            ps.executeUpdate();
        }
    }
}
