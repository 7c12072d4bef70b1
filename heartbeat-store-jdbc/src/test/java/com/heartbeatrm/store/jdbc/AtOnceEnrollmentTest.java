package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

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
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentJudge;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
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
 * key enrolled), the statement leaves nothing behind and the step-by-step transaction gives each member its answer.
 * The change is made by another connection at the moment the statement is about to run.
 */
@DisplayName("PostgreSQL: a key lane's enrollments in one statement")
class AtOnceEnrollmentTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Actor ALICE = Actor.of("alice");
    private static final String AT_ONCE = "WITH n AS (";

    /** Runs {@link #before} on another connection right before the one-statement write is sent; counts what ran. */
    private static final class Watching extends InterceptingDataSource {
        final AtomicReference<Runnable> before = new AtomicReference<>();
        final List<String> ran = java.util.Collections.synchronizedList(new ArrayList<>());
        boolean autoCommitOff;

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

    /** A fresh PostgreSQL schema holding one organization, Acme; the store sees it through {@link Watching}. */
    private static final class Acme implements AutoCloseable {
        final Databases.Fresh fresh = Databases.migrated("postgresql", 4);
        final Watching watching = new Watching(fresh.dataSource());
        final JdbcHeartbeatStore store = JdbcHeartbeatStore.create(watching);
        final HeartbeatAdmin admin = HeartbeatAdmin.of(store, java.time.Clock.systemUTC());
        final NewOrganization org = admin.organizations().setUp(ALICE, "Acme");

        JdbcAgents agents() {
            return (JdbcAgents) store.agents();
        }

        /** Runs {@code sql} on a connection of its own (committed), as another node would. */
        void elsewhere(String sql, Object... params) {
            try (Connection c = fresh.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        long count(String sql, Object... params) {
            try (Connection c = fresh.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
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

        long useCount(AccessKey key) {
            return admin.accessKeys().require(org.id(), key.id()).useCount();
        }

        long agentsOf(AccessKey key) {
            return count("SELECT count(*) FROM hb_agent WHERE org_id = ? AND access_key_id = ?", org.id().value(), key.id().value());
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
}
