package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.RenewalAttempt;
import com.heartbeatrm.core.spi.RenewalCommit;
import com.heartbeatrm.core.spi.RenewalFacts;
import com.heartbeatrm.core.spi.RenewalVerdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The atomic renewal step ({@code AgentStore.renew}): the facts it reads with the agent locked, each verdict stored
 * as it says, the renewal nonce kept for recognising a resent renewal, replay, and generations that only grow even
 * when renewals race.
 */
@DisplayName("renewal step")
public interface RenewalStepContract extends StoreContract {
    /**
     * Contract: the judge sees the agent, its group path and organization; Renew stores the generation and the
     * renewal nonce.
     */
    @Test
    @DisplayName("the judge sees the agent, its group path and organization; Renew stores the generation and the renewal nonce")
    default void renewStoresGenerationAndNonce() {
        NewOrganization org = newOrg();
        Agent agent = enrolledAgent(org);
        RenewalAttempt first = renewal(agent);
        RenewalFacts facts = factsOf(first);
        assertThat(facts.agent()).contains(agent);
        assertThat(facts.organization()).contains(org.organization());
        assertThat(facts.groupPath()).extracting(Group::id).containsExactly(org.rootGroup().id());
        assertThat(facts.lastRenewalNonce()).isEmpty();
        assertThat(facts.nonceSeen()).isFalse();

        clock().advance(Duration.ofMinutes(1));
        RenewalAttempt later = renewal(agent);
        RenewalCommit r = renew(later, f -> new RenewalVerdict.Renew(f.agent().orElseThrow().credentialGeneration() + 1, java.time.Duration.ofDays(1)));
        Agent renewed = ((RenewalCommit.Applied) r).agent();
        assertThat(renewed.credentialGeneration()).isEqualTo(2);
        assertThat(renewed.lastSeenAt()).isEqualTo(clock().instant());
        assertThat(renewed.version()).isEqualTo(agent.version());
        assertThat(admin().agents().require(org.id(), agent.id())).isEqualTo(renewed);
        RenewalFacts next = factsOf(renewal(renewed));
        assertThat(next.lastRenewalNonce()).contains(later.nonce());
        assertThat(factsOf(later).nonceSeen()).isTrue();
    }

    /** Contract: Retry records the agent as seen and nothing else; Poll remembers the nonce. */
    @Test
    @DisplayName("Retry records the agent as seen and nothing else; Poll remembers the nonce")
    default void retryAndPoll() {
        Agent agent = enrolledAgent();
        RenewalAttempt a = renewal(agent);
        renew(a, f -> new RenewalVerdict.Renew(2, java.time.Duration.ofDays(1)));
        clock().advance(Duration.ofMinutes(2));
        RenewalAttempt resent = new RenewalAttempt(a.organization(), a.agent(), a.agentFingerprint(), Optional.empty(), a.nonce(),
                a.nonceExpiresAt(), clock().instant(), Optional.empty());
        Agent after = ((RenewalCommit.Applied) renew(resent, f -> new RenewalVerdict.Retry())).agent();
        assertThat(after.credentialGeneration()).isEqualTo(2);
        assertThat(after.lastSeenAt()).isEqualTo(clock().instant());
        assertThat(factsOf(renewal(after)).lastRenewalNonce()).contains(a.nonce());

        RenewalAttempt poll = renewal(after);
        assertThat(renew(poll, f -> new RenewalVerdict.Poll())).isInstanceOf(RenewalCommit.Applied.class);
        assertThat(factsOf(poll).nonceSeen()).isTrue();
        assertThat(admin().agents().require(agent.organizationId(), agent.id()).credentialGeneration()).isEqualTo(2);
    }

    /** Contract: Change stores the status with its audit event and a new version; it is seen at once. */
    @Test
    @DisplayName("Change stores the status with its audit event and a new version; it is seen at once")
    default void changeLocks() {
        Agent agent = enrolledAgent();
        AuditEvent lock = AuditEvent.of(clock().instant(), agent.organizationId(), Actor.SYSTEM, AuditAction.AGENT_LOCKED, Subject.of(agent.id()),
                Map.of("status", "ACTIVE"), Map.of("status", "LOCKED"));
        Agent locked = ((RenewalCommit.Applied) renew(renewal(agent), f -> new RenewalVerdict.Change(AgentStatus.LOCKED, lock))).agent();
        assertThat(locked.status()).isEqualTo(AgentStatus.LOCKED);
        assertThat(locked.version()).isEqualTo(agent.version() + 1);
        assertThat(admin().agents().require(agent.organizationId(), agent.id()).status()).isEqualTo(AgentStatus.LOCKED);
        assertThat(auditOf(agent.organizationId())).anyMatch(r -> r.event().action() == AuditAction.AGENT_LOCKED);
        Agent unlocked = admin().agents().unlock(ALICE, agent.organizationId(), agent.id(), "copy wiped");
        assertThat(unlocked.status()).isEqualTo(AgentStatus.ACTIVE);
        assertThat(auditOf(agent.organizationId())).anyMatch(r -> r.event().action() == AuditAction.AGENT_UNLOCKED
                && "copy wiped".equals(r.event().after().get("reason")));
    }

    /**
     * Contract: a nonce seen before is refused as replayed, storing nothing; a rejection stores nothing; a missing
     * agent reads as empty.
     */
    @Test
    @DisplayName("a nonce seen before is refused as replayed, storing nothing; a rejection stores nothing; a missing agent reads as empty")
    default void replayAndRejection() {
        Agent agent = enrolledAgent();
        RenewalAttempt a = renewal(agent);
        renew(a, f -> new RenewalVerdict.Poll());
        assertThat(renew(a, f -> new RenewalVerdict.Renew(2, java.time.Duration.ofDays(1)))).isEqualTo(new RenewalCommit.Replayed());
        assertThat(admin().agents().require(agent.organizationId(), agent.id()).credentialGeneration()).isEqualTo(1);
        assertThat(renew(renewal(agent), f -> new RenewalVerdict.Deny())).isEqualTo(new RenewalCommit.Denied());

        admin().agents().delete(ALICE, agent.organizationId(), agent.id());
        RenewalFacts gone = factsOf(renewal(agent));
        assertThat(gone.agent()).isEmpty();
        assertThat(gone.groupPath()).isEmpty();
    }

    /**
     * Contract: renewals racing on one agent are applied one at a time: the generation grows by exactly one per
     * renewal.
     *
     * @throws Exception when a racing thread fails or does not finish within two minutes
     */
    @Test
    @DisplayName("renewals racing on one agent are applied one at a time: the generation grows by exactly one per renewal")
    default void racingRenewals() throws Exception {
        Agent agent = enrolledAgent();
        int threads = Math.min(16, concurrency());
        List<RenewalCommit> results = runConcurrently(threads, () -> renew(renewal(agent),
                f -> new RenewalVerdict.Renew(f.agent().orElseThrow().credentialGeneration() + 1, java.time.Duration.ofDays(1))));
        assertThat(results).allMatch(r -> r instanceof RenewalCommit.Applied);
        assertThat(admin().agents().require(agent.organizationId(), agent.id()).credentialGeneration()).isEqualTo(1 + threads);
    }

    /** Contract: the facts show whether the presented credential's signing key still exists. */
    @Test
    @DisplayName("the facts show whether the presented credential's signing key still exists")
    default void credentialSigningKey() {
        Agent agent = enrolledAgent();
        var key = newSigningKey();
        store().signingKeys().rotate(key, store().signingKeys().active().map(k -> k.keyId()), clock().instant());
        Instant now = clock().instant();
        RenewalAttempt known = new RenewalAttempt(agent.organizationId(), agent.id(), agent.publicKeyFingerprint(), Optional.of(key.keyId()), newNonce(),
                now.plusSeconds(301), now, Optional.empty());
        assertThat(factsOf(known).credentialSigningKeyKnown()).isTrue();
        assertThat(factsOf(known).activeSigningKeyId()).contains(key.keyId());
        RenewalAttempt unknown = new RenewalAttempt(agent.organizationId(), agent.id(), agent.publicKeyFingerprint(), Optional.of(randomSigningKeyId()),
                newNonce(), now.plusSeconds(301), now, Optional.empty());
        assertThat(factsOf(unknown).credentialSigningKeyKnown()).isFalse();
    }

    /** The facts the store reads for {@code attempt}, read through a judge that rejects (so nothing is stored). */
    private RenewalFacts factsOf(RenewalAttempt attempt) {
        java.util.concurrent.atomic.AtomicReference<RenewalFacts> seen = new java.util.concurrent.atomic.AtomicReference<>();
        renew(attempt, f -> {
            seen.set(f);
            return new RenewalVerdict.Deny();
        });
        return Objects.requireNonNull(seen.get(), "the store calls the judge with the facts it read");
    }
}
