package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentJudge;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's enrollment in one statement ({@link AtOnceEnrollment}): taken when every member qualifies, and when
 * something changes between the facts and the statement (a nonce remembered, the key disabled or used up, the agent
 * key enrolled; made by another connection just before the statement is sent, or by a transaction whose lock the
 * statement waits for), the statement leaves nothing behind and the step-by-step transaction gives each member its
 * answer. A lost answer is a transient error, and a table prefix and schema still take the statement.
 */
@DisplayName("PostgreSQL: a key lane's enrollments in one statement")
class AtOnceEnrollmentTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Actor ALICE = Actor.of("alice");
    private static final String AT_ONCE = "WITH n AS (";

    /**
     * Runs {@link #before} right before the one-statement write; optionally runs it and then reports a lost connection;
     * counts what ran.
     */
    private static final class Watching extends InterceptingDataSource {
        final AtomicReference<Runnable> before = new AtomicReference<>();
        final List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile boolean loseAnswer;
        volatile boolean autoCommitOff;

        Watching(DataSource delegate) {
            super(delegate);
        }

        @Override
        Connection wrap(Connection real) throws SQLException {
            if (autoCommitOff) {
                real.setAutoCommit(false);
            }
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                Object result = call(real, method, args);
                if (result instanceof PreparedStatement ps && args[0] instanceof String sql) {
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                        if (m.getName().startsWith("execute")) {
                            ran.add(sql);
                            Runnable r = sql.startsWith(AT_ONCE) ? before.getAndSet(null) : null;
                            if (r != null) {
                                r.run();
                            }
                            if (sql.startsWith(AT_ONCE) && loseAnswer) {
                                loseAnswer = false;
                                // The statement runs and commits; its answer never reaches us (a reset connection).
                                try (ResultSet rs = (ResultSet) call(ps, m, a)) {
                                    rs.next();
                                }
                                throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                            }
                        }
                        return call(ps, m, a);
                    });
                }
                return result;
            });
        }

        long atOnce() {
            return ran.stream().filter(s -> s.startsWith(AT_ONCE)).count();
        }
    }

    private static final class Acme implements AutoCloseable {
        final Databases.Fresh fresh;
        final Watching watching;
        final JdbcHeartbeatStore store;
        final HeartbeatAdmin admin;
        final NewOrganization org;
        final String q;

        Acme() {
            this(Databases.migrated("postgresql", 6), null);
        }

        Acme(Databases.Fresh fresh, String schema) {
            this.fresh = fresh;
            this.watching = new Watching(fresh.dataSource());
            if (schema == null) {
                store = JdbcHeartbeatStore.create(watching);
                q = "hb_";
            } else {
                store = JdbcHeartbeatStore.builder(watching).tablePrefix("acme_").schema(schema).build();
                store.migrate();
                q = schema + ".acme_";
            }
            admin = HeartbeatAdmin.of(store, java.time.Clock.systemUTC());
            org = admin.organizations().setUp(ALICE, "Acme");
        }

        JdbcAgents agents() {
            return (JdbcAgents) store.agents();
        }

        long count(String sql, Object... params) {
            try (Connection c = fresh.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql.replace("hb_", q))) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Runs {@code sql} on a connection of its own (committed), as another node would. */
        void elsewhere(String sql, Object... params) {
            try (Connection c = fresh.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql.replace("hb_", q))) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        long useCount(AccessKey key) {
            return admin.accessKeys().require(org.id(), key.id()).useCount();
        }

        long agentsOf(AccessKey key) {
            return count("SELECT count(*) FROM hb_agent WHERE org_id = ? AND access_key_id = ?", org.id().value(), key.id().value());
        }

        long enrolledEvents() {
            return count("SELECT count(*) FROM hb_audit WHERE org_id = ? AND action = ?", org.id().value(), AuditAction.AGENT_ENROLLED.name());
        }

        /**
         * Runs {@code sql} in a transaction of its own on another connection and returns at once; the transaction
         * commits (or rolls back) {@code millis} later from another thread, while our statement waits for its lock.
         */
        void holdThen(boolean commit, long millis, String sql, Object... params) {
            try {
                Connection c = fresh.dataSource().getConnection();
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < params.length; i++) {
                        ps.setObject(i + 1, params[i]);
                    }
                    ps.executeUpdate();
                }
                Thread t = new Thread(() -> {
                    try (c) {
                        Thread.sleep(millis);
                        if (commit) {
                            c.commit();
                        } else {
                            c.rollback();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            fresh.close();
        }
    }

    private static String fingerprint() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static EnrollmentAttempt attempt(AccessKey key, String fingerprint) {
        Instant now = Instant.now();
        return new EnrollmentAttempt(key.organizationId(), InstallerId.random(), key.id(), "hbs_" + "A".repeat(22), fingerprint,
                "n" + Long.toHexString(RANDOM.nextLong()) + "0000000000000000", now.plusSeconds(300), now, Optional.empty());
    }

    private static Agent agentFor(EnrollmentAttempt a, AccessKey key) {
        return new Agent(AgentId.random(), key.organizationId(), key.groupId(), AgentStatus.ACTIVE, a.now(), key.id(), Optional.of(a.installer()),
                "pc", Platform.LINUX, a.agentFingerprint(), a.now(), 1, Optional.of(a.now()), Optional.of(a.now().plusSeconds(86400)), 0);
    }

    /** Admits into the key's group; an agent key already enrolled is that agent; a key that is gone or unusable is a denial. */
    private static EnrollmentJudge admitting(EnrollmentAttempt a) {
        return facts -> {
            if (facts.existingAgent().isPresent()) {
                return new EnrollmentVerdict.Existing(facts.existingAgent().get());
            }
            if (facts.key().isEmpty() || facts.key().get().status(a.now()) != com.heartbeatrm.core.AccessKeyStatus.ENABLED) {
                return new EnrollmentVerdict.Deny();
            }
            Agent agent = agentFor(a, facts.key().get());
            return new EnrollmentVerdict.Admit(agent, AuditEvent.of(a.now(), agent.organizationId(), Actor.SYSTEM, AuditAction.AGENT_ENROLLED,
                    Subject.of(agent.id()), Map.of(), Map.of()));
        };
    }

    private static List<KeyLanes.Member> members(AccessKey key, int n) {
        List<KeyLanes.Member> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            EnrollmentAttempt a = attempt(key, fingerprint());
            out.add(new KeyLanes.Member(a, admitting(a)));
        }
        return out;
    }

    @Test
    @DisplayName("fresh members: one write, every one enrolled and counted, audited, its nonce remembered")
    void takenWhenEveryMemberQualifies() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.org.defaultKey();
            EnrollmentAttempt denied = attempt(key, fingerprint());
            List<KeyLanes.Member> members = new ArrayList<>(members(key, 4));
            members.add(2, new KeyLanes.Member(denied, f -> new EnrollmentVerdict.Deny()));
            acme.watching.ran.clear();
            acme.agents().enrollBatch(members);

            assertThat(acme.watching.atOnce()).as(String.join("\n", acme.watching.ran)).isEqualTo(1);
            assertThat(acme.watching.ran).as("the facts, then the write: nothing else").hasSize(2);
            assertThat(members.get(2).outcome).isInstanceOf(EnrollmentCommit.Denied.class);
            for (KeyLanes.Member m : members) {
                if (!m.attempt.equals(denied)) {
                    assertThat(m.outcome).isInstanceOfSatisfying(EnrollmentCommit.Enrolled.class,
                            e -> assertThat(e.agent().publicKeyFingerprint()).isEqualTo(m.attempt.agentFingerprint()));
                    assertThat(acme.store.agents().findByPublicKeyFingerprint(acme.org.id(), m.attempt.agentFingerprint())).isPresent();
                }
            }
            assertThat(acme.useCount(key)).isEqualTo(4);
            assertThat(acme.count("SELECT count(*) FROM hb_audit WHERE org_id = ? AND action = ?", acme.org.id().value(),
                    AuditAction.AGENT_ENROLLED.name())).isEqualTo(4);
            assertThat(acme.count("SELECT count(*) FROM hb_nonce WHERE nonce = ?", denied.nonceKey())).as("a denied member remembers no nonce").isZero();

            // The same requests again: every one of them a replay now (the facts show the nonces), step by step.
            List<KeyLanes.Member> again = new ArrayList<>();
            for (KeyLanes.Member m : members) {
                if (!m.attempt.equals(denied)) {
                    again.add(new KeyLanes.Member(m.attempt, admitting(m.attempt)));
                }
            }
            acme.agents().enrollBatch(again);
            assertThat(again).allSatisfy(m -> assertThat(m.outcome).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.REPLAYED)));
            assertThat(acme.useCount(key)).isEqualTo(4);
        }
    }

    @Test
    @DisplayName("a nonce remembered after the facts were read: the statement leaves nothing; that member is a replay, the others enroll")
    void nonceTakenMeanwhile() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.org.defaultKey();
            List<KeyLanes.Member> members = members(key, 3);
            EnrollmentAttempt taken = members.get(1).attempt;
            acme.watching.before.set(() -> acme.elsewhere("INSERT INTO hb_nonce (nonce, expires_at) VALUES (?, ?)", taken.nonceKey(),
                    com.heartbeatrm.store.jdbc.internal.Sql.nanos(taken.nonceExpiresAt())));
            acme.agents().enrollBatch(members);

            assertThat(acme.watching.atOnce()).isEqualTo(1);
            assertThat(members.get(1).outcome).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.REPLAYED));
            assertThat(members.get(0).outcome).isInstanceOf(EnrollmentCommit.Enrolled.class);
            assertThat(members.get(2).outcome).isInstanceOf(EnrollmentCommit.Enrolled.class);
            assertThat(acme.useCount(key)).isEqualTo(2);
            assertThat(acme.agentsOf(key)).isEqualTo(2);
            assertThat(acme.store.agents().findByPublicKeyFingerprint(acme.org.id(), taken.agentFingerprint())).isEmpty();
        }
    }

    @Test
    @DisplayName("the key disabled after the facts were read: nothing enrolls, nothing is counted")
    void keyDisabledMeanwhile() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.org.defaultKey();
            List<KeyLanes.Member> members = members(key, 3);
            acme.watching.before.set(() -> acme.admin.accessKeys().disable(ALICE, acme.org.id(), key.id(), "leaked"));
            acme.agents().enrollBatch(members);

            assertThat(acme.watching.atOnce()).isEqualTo(1);
            assertThat(members).allSatisfy(m -> assertThat(m.outcome).isInstanceOf(EnrollmentCommit.Denied.class));
            assertThat(acme.useCount(key)).isZero();
            assertThat(acme.agentsOf(key)).isZero();
            assertThat(acme.count("SELECT count(*) FROM hb_audit WHERE org_id = ? AND action = ?", acme.org.id().value(),
                    AuditAction.AGENT_ENROLLED.name())).isZero();
        }
    }

    @Test
    @DisplayName("the key's last uses taken after the facts were read: the oldest enroll up to the limit, the rest are exhausted")
    void usesTakenMeanwhile() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.admin.accessKeys().create(ALICE, acme.org.id(), AccessKeySpec.builder("three", acme.org.rootGroup().id()).maxUses(3).build());
            List<KeyLanes.Member> members = members(key, 3);
            acme.watching.before.set(() -> acme.elsewhere("UPDATE hb_access_key SET use_count = 2 WHERE org_id = ? AND id = ?",
                    acme.org.id().value(), key.id().value()));
            acme.agents().enrollBatch(members);

            assertThat(acme.watching.atOnce()).isEqualTo(1);
            assertThat(members.get(0).outcome).isInstanceOf(EnrollmentCommit.Enrolled.class);
            assertThat(members.get(1).outcome).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_EXHAUSTED));
            assertThat(members.get(2).outcome).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_EXHAUSTED));
            assertThat(acme.useCount(key)).isEqualTo(3);
            assertThat(acme.agentsOf(key)).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a member's agent key enrolled after the facts were read: it gets that agent, the others enroll, counted once each")
    void agentKeyEnrolledMeanwhile() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.org.defaultKey();
            List<KeyLanes.Member> members = members(key, 3);
            EnrollmentAttempt first = members.get(0).attempt;
            Agent planted = agentFor(attempt(key, first.agentFingerprint()), key);
            acme.watching.before.set(() -> {
                try (Connection c = acme.fresh.dataSource().getConnection()) {
                    JdbcAgents.insertAgents(c, List.of(planted));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            acme.agents().enrollBatch(members);

            assertThat(acme.watching.atOnce()).isEqualTo(1);
            assertThat(members.get(0).outcome).isInstanceOfSatisfying(EnrollmentCommit.AlreadyEnrolled.class,
                    e -> assertThat(e.existing().id()).isEqualTo(planted.id()));
            assertThat(members.get(1).outcome).isInstanceOf(EnrollmentCommit.Enrolled.class);
            assertThat(members.get(2).outcome).isInstanceOf(EnrollmentCommit.Enrolled.class);
            assertThat(acme.useCount(key)).as("the planted agent was not counted by the key; the two enrolled were").isEqualTo(2);
            assertThat(acme.agentsOf(key)).isEqualTo(3);
        }
    }

    @Test
    @DisplayName("a connection that is not in auto-commit mode: no statement at once, the transaction does it all")
    void notInAutoCommit() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.org.defaultKey();
            acme.watching.autoCommitOff = true;
            acme.watching.ran.clear();
            List<KeyLanes.Member> members = members(key, 3);
            acme.agents().enrollBatch(members);
            assertThat(acme.watching.atOnce()).isZero();
            assertThat(members).allSatisfy(m -> assertThat(m.outcome).isInstanceOf(EnrollmentCommit.Enrolled.class));
            assertThat(acme.useCount(key)).isEqualTo(3);
        }
    }

    @Test
    @DisplayName("a key with a use limit whose room a batch exceeds: the statement counts nothing, the oldest enroll up to the limit")
    void moreMembersThanRoom() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.admin.accessKeys().create(ALICE, acme.org.id(), AccessKeySpec.builder("two", acme.org.rootGroup().id()).maxUses(2).build());
            List<KeyLanes.Member> members = members(key, 4);
            acme.agents().enrollBatch(members);
            assertThat(members.subList(0, 2)).allSatisfy(m -> assertThat(m.outcome).isInstanceOf(EnrollmentCommit.Enrolled.class));
            assertThat(members.subList(2, 4)).allSatisfy(m -> assertThat(m.outcome)
                    .isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_EXHAUSTED)));
            assertThat(acme.useCount(key)).isEqualTo(2);
            assertThat(acme.agentsOf(key)).isEqualTo(2);
            assertThat(acme.count("SELECT count(*) FROM hb_audit WHERE org_id = ? AND action = ?", acme.org.id().value(),
                    AuditAction.AGENT_ENROLLED.name())).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("the key disabled by a transaction whose lock the statement waits for: re-checked on the new version, nothing left")
    void keyDisabledWhileWaitingForItsLock() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.org.defaultKey();
            List<KeyLanes.Member> members = members(key, 3);
            acme.watching.before.set(() -> acme.holdThen(true, 700, "UPDATE hb_access_key SET disabled_at = ?, disabled_by = 'x' WHERE org_id = ? AND id = ?",
                    Sql.nanos(Instant.now().minusSeconds(1)), acme.org.id().value(), key.id().value()));
            acme.agents().enrollBatch(members);

            assertThat(acme.watching.atOnce()).isEqualTo(1);
            assertThat(members).allSatisfy(m -> assertThat(m.outcome).isInstanceOf(EnrollmentCommit.Denied.class));
            assertThat(acme.useCount(key)).isZero();
            assertThat(acme.agentsOf(key)).isZero();
            assertThat(acme.enrolledEvents()).isZero();
            for (KeyLanes.Member m : members) {
                assertThat(acme.count("SELECT count(*) FROM hb_nonce WHERE nonce = ?", m.attempt.nonceKey())).as("no nonce of the statement").isZero();
            }
        }
    }

    @Test
    @DisplayName("the key's last uses taken by a transaction whose lock the statement waits for: the oldest enroll up to the limit")
    void usesTakenWhileWaitingForTheLock() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.admin.accessKeys().create(ALICE, acme.org.id(), AccessKeySpec.builder("three", acme.org.rootGroup().id()).maxUses(3).build());
            List<KeyLanes.Member> members = members(key, 3);
            acme.watching.before.set(() -> acme.holdThen(true, 700, "UPDATE hb_access_key SET use_count = 2 WHERE org_id = ? AND id = ?",
                    acme.org.id().value(), key.id().value()));
            acme.agents().enrollBatch(members);

            assertThat(members.get(0).outcome).isInstanceOf(EnrollmentCommit.Enrolled.class);
            assertThat(members.get(1).outcome).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_EXHAUSTED));
            assertThat(members.get(2).outcome).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_EXHAUSTED));
            assertThat(acme.useCount(key)).isEqualTo(3);
            assertThat(acme.agentsOf(key)).isEqualTo(1);
            assertThat(acme.enrolledEvents()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a nonce inserted by a transaction not yet committed: the statement waits; committed, that member is a replay")
    void nonceOfAnUncommittedTransaction() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.org.defaultKey();
            List<KeyLanes.Member> members = members(key, 3);
            EnrollmentAttempt taken = members.get(1).attempt;
            acme.watching.before.set(() -> acme.holdThen(true, 700, "INSERT INTO hb_nonce (nonce, expires_at) VALUES (?, ?)",
                    taken.nonceKey(), Sql.nanos(taken.nonceExpiresAt())));
            acme.agents().enrollBatch(members);

            assertThat(members.get(1).outcome).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.REPLAYED));
            assertThat(members.get(0).outcome).isInstanceOf(EnrollmentCommit.Enrolled.class);
            assertThat(members.get(2).outcome).isInstanceOf(EnrollmentCommit.Enrolled.class);
            assertThat(acme.useCount(key)).isEqualTo(2);
            assertThat(acme.agentsOf(key)).isEqualTo(2);
            assertThat(acme.enrolledEvents()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("a nonce inserted by a transaction that rolls back: the statement waits, then writes everything itself")
    void nonceOfATransactionThatRollsBack() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.org.defaultKey();
            List<KeyLanes.Member> members = members(key, 3);
            EnrollmentAttempt taken = members.get(1).attempt;
            acme.watching.before.set(() -> acme.holdThen(false, 700, "INSERT INTO hb_nonce (nonce, expires_at) VALUES (?, ?)",
                    taken.nonceKey(), Sql.nanos(taken.nonceExpiresAt())));
            acme.watching.ran.clear();
            acme.agents().enrollBatch(members);

            assertThat(acme.watching.ran).as("facts and the one write, no step-by-step").hasSize(2);
            assertThat(members).allSatisfy(m -> assertThat(m.outcome).isInstanceOf(EnrollmentCommit.Enrolled.class));
            assertThat(acme.useCount(key)).isEqualTo(3);
            assertThat(acme.count("SELECT count(*) FROM hb_nonce WHERE nonce = ?", taken.nonceKey())).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a lone enrollment whose statement committed but whose answer was lost is not refused as a replay")
    void lostAnswerIsNotARefusal() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.org.defaultKey();
            EnrollmentAttempt a = attempt(key, fingerprint());
            EnrollmentJudge judge = admitting(a);
            acme.watching.loseAnswer = true;
            AtomicReference<EnrollmentCommit> commit = new AtomicReference<>();
            Throwable thrown = catchThrowable(() -> commit.set(acme.agents().judgeAndEnroll(a, judge::judge).commit()));

            assertThat(acme.watching.atOnce()).as("the one statement ran").isEqualTo(1);
            assertThat(acme.agentsOf(key)).as("and committed").isEqualTo(1);
            assertThat(acme.useCount(key)).isEqualTo(1);
            if (thrown == null) {
                // An answer is fine only if it is the truth: the agent is enrolled.
                assertThat(commit.get()).as("the agent is enrolled and its use counted, yet the answer is")
                        .isInstanceOfAny(EnrollmentCommit.Enrolled.class, EnrollmentCommit.AlreadyEnrolled.class);
            } else {
                // As before the one statement: an outcome the store cannot know is a transient store error.
                assertThat(thrown).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.isTransient()).isTrue());
            }
        }
    }

    @Test
    @DisplayName("a table prefix and a schema: the one statement is rewritten and taken, not silently skipped")
    void prefixAndSchemaTakeTheStatement() {
        Databases.Fresh fresh = Databases.empty("postgresql", 4);
        String schema = "hbr_" + Long.toHexString(System.nanoTime() & 0xffffff);
        try (Acme acme = new Acme(fresh, schema)) {
            try {
                AccessKey key = acme.org.defaultKey();
                List<KeyLanes.Member> members = members(key, 3);
                acme.watching.ran.clear();
                acme.agents().enrollBatch(members);
                assertThat(members).allSatisfy(m -> assertThat(m.outcome).isInstanceOf(EnrollmentCommit.Enrolled.class));
                assertThat(acme.watching.ran).as(String.join("\n", acme.watching.ran)).hasSize(2);
                assertThat(acme.useCount(key)).isEqualTo(3);
                assertThat(acme.agentsOf(key)).isEqualTo(3);
            } finally {
                Databases.exec(fresh.dataSource(), "DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
