package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One batch of a key lane, put together by hand, so that each rule of a batch is seen on its own. */
@DisplayName("one batch of enrollments on a key")
class KeyBatchTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Actor ALICE = Actor.of("alice");

    private static String fingerprint() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static EnrollmentAttempt attempt(AccessKey key, String fingerprint, String nonce) {
        Instant now = Instant.now();
        return new EnrollmentAttempt(key.organizationId(), InstallerId.random(), key.id(), "hbs_" + "A".repeat(22), fingerprint, nonce,
                now.plusSeconds(300), now, Optional.empty());
    }

    private static EnrollmentAttempt attempt(AccessKey key) {
        return attempt(key, fingerprint(), "n" + Long.toHexString(RANDOM.nextLong()) + "0000000000000000");
    }

    /** Admits into the key's group whatever exists; rejects when the key is gone. */
    private static EnrollmentJudge admitting(EnrollmentAttempt a) {
        return facts -> {
            if (facts.existingAgent().isPresent()) {
                return new EnrollmentVerdict.Existing(facts.existingAgent().get());
            }
            if (facts.key().isEmpty()) {
                return new EnrollmentVerdict.Deny();
            }
            AccessKey key = facts.key().get();
            Agent agent = new Agent(AgentId.random(), key.organizationId(), key.groupId(), AgentStatus.ACTIVE, a.now(), key.id(),
                    Optional.of(a.installer()), "pc", Platform.LINUX, a.agentFingerprint(), a.now(), 1, Optional.of(a.now()), Optional.of(a.now().plusSeconds(86400)), 0);
            return new EnrollmentVerdict.Admit(agent, AuditEvent.of(a.now(), key.organizationId(), Actor.SYSTEM, AuditAction.AGENT_ENROLLED,
                    Subject.of(agent.id()), Map.of(), Map.of()));
        };
    }

    /** A fresh H2 database holding one organization, Acme. */
    private static final class Acme implements AutoCloseable {
        final Databases.Fresh fresh = Databases.h2(2);
        final JdbcHeartbeatStore store = JdbcHeartbeatStore.create(fresh.dataSource());
        final HeartbeatAdmin admin = HeartbeatAdmin.of(store, java.time.Clock.systemUTC());
        final NewOrganization org = admin.organizations().setUp(ALICE, "Acme");

        @Override
        public void close() {
            fresh.close();
        }
    }

    private static KeyLanes.Member member(EnrollmentAttempt a) {
        return new KeyLanes.Member(a, admitting(a));
    }

    @Test
    @DisplayName("r uses left for n admitted: the r oldest enroll, the rest are exhausted; rejections and replays keep their own answer")
    void partialRoom() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.admin.accessKeys().create(ALICE, acme.org.id(), AccessKeySpec.builder("three", acme.org.rootGroup().id()).maxUses(3).build());
            EnrollmentAttempt replayed = attempt(key);
            List<KeyLanes.Member> members = List.of(member(attempt(key)), new KeyLanes.Member(attempt(key), f -> new EnrollmentVerdict.Deny()),
                    member(replayed), member(attempt(key, replayed.agentFingerprint(), replayed.nonce())),
                    member(attempt(key)), member(attempt(key)));
            JdbcAgents agents = (JdbcAgents) acme.store.agents();
            agents.enrollBatch(members);

            assertThat(members.get(0).outcome).isInstanceOf(EnrollmentCommit.Enrolled.class);
            assertThat(members.get(1).outcome).isInstanceOf(EnrollmentCommit.Denied.class);
            assertThat(members.get(2).outcome).isInstanceOf(EnrollmentCommit.Enrolled.class);
            assertThat(members.get(3).outcome).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.REPLAYED));
            assertThat(members.get(4).outcome).isInstanceOf(EnrollmentCommit.Enrolled.class);
            assertThat(members.get(5).outcome).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_EXHAUSTED));
            for (int i : new int[] {0, 2, 4}) {
                Agent a = ((EnrollmentCommit.Enrolled) members.get(i).outcome).agent();
                assertThat(a.publicKeyFingerprint()).isEqualTo(members.get(i).attempt.agentFingerprint());
            }
            assertThat(acme.admin.accessKeys().require(acme.org.id(), key.id()).useCount()).isEqualTo(3);
        }
    }

    @Test
    @DisplayName("a disabled key refuses the whole batch; nothing is counted")
    void disabledKey() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.org.defaultKey();
            acme.admin.accessKeys().disable(ALICE, acme.org.id(), key.id(), "leaked");
            List<KeyLanes.Member> members = List.of(member(attempt(key)), member(attempt(key)), member(attempt(key)));
            ((JdbcAgents) acme.store.agents()).enrollBatch(members);
            assertThat(members).allSatisfy(m -> assertThat(m.outcome).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_DISABLED)));
            assertThat(acme.admin.accessKeys().require(acme.org.id(), key.id()).useCount()).isZero();
        }
    }

    @Test
    @DisplayName("two members with one agent key: the batch writes nothing and every member is sent to enroll alone")
    void sameAgentKeyTwice() {
        try (Acme acme = new Acme()) {
            AccessKey key = acme.org.defaultKey();
            String fp = fingerprint();
            List<KeyLanes.Member> members = List.of(member(attempt(key)), member(attempt(key, fp, "nonce-a-0000000000000000")),
                    member(attempt(key, fp, "nonce-b-0000000000000000")));
            assertThatThrownBy(() -> ((JdbcAgents) acme.store.agents()).enrollBatch(members)).isInstanceOf(RuntimeException.class);
            assertThat(acme.admin.accessKeys().require(acme.org.id(), key.id()).useCount()).isZero();
            assertThat(acme.store.agents().findByPublicKeyFingerprint(acme.org.id(), fp)).isEmpty();
        }
    }
}
