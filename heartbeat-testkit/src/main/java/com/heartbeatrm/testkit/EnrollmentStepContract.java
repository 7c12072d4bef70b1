package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The atomic enrollment step ({@code AgentStore.enroll}): the facts it reads, one use and one agent stored together,
 * retries, every commit-time refusal, and replay. The judge here admits whatever the store read, so each refusal
 * shown is the store's own, at commit.
 */
@DisplayName("enrollment step")
public interface EnrollmentStepContract extends StoreContract {
    /** Contract: counts one use, creates the agent and remembers the nonce together, with its audit event. */
    @Test
    @DisplayName("counts one use, creates the agent and remembers the nonce together, with its audit event")
    default void enrollCountsAndCreates() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        AccessKey key = keyFor(a);
        EnrollmentCommit r = enroll(key);
        assertThat(r).isInstanceOf(EnrollmentCommit.Enrolled.class);
        Agent agent = ((EnrollmentCommit.Enrolled) r).agent();
        assertThat(agent.version()).isZero();
        assertThat(admin().agents().require(org.id(), agent.id())).isEqualTo(agent);
        AccessKey after = admin().accessKeys().require(org.id(), key.id());
        assertThat(after.useCount()).isEqualTo(1);
        assertThat(after.lastUsedAt()).contains(clock().instant());
        assertThat(after.lastUsedBy()).contains(agent.id());
        assertThat(after.version()).isEqualTo(key.version());
        assertThat(store().agents().findByPublicKeyFingerprint(org.id(), agent.publicKeyFingerprint())).contains(agent);
        assertThat(auditOf(org.id())).anyMatch(e -> e.event().action() == AuditAction.AGENT_ENROLLED
                && e.event().subject().equals(Subject.of(agent.id())));
    }

    /**
     * Contract: the judge sees the installer record, the key, its group path, the organization, a known agent key
     * and the signing keys.
     */
    @Test
    @DisplayName("the judge sees the installer record, the key, its group path, the organization, a known agent key and the signing keys")
    default void factsAreWhatTheStoreHolds() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        Group site = group(org, a.id(), "Site 1");
        AccessKey key = keyFor(site);
        InstallerRecord installer = newInstaller(key);
        store().installers().insert(installer, installerAudit(installer, AuditAction.INSTALLER_ISSUED));
        var signing = newSigningKey();
        store().signingKeys().rotate(signing, store().signingKeys().active().map(k -> k.keyId()), clock().instant());
        String fp = randomFingerprint();
        EnrollmentAttempt attempt = new EnrollmentAttempt(org.id(), installer.id(), key.id(), signing.keyId(), fp, newNonce(),
                clock().instant().plusSeconds(301), clock().instant(), Optional.of("key:" + key.id() + "@192.0.2.1"));

        EnrollmentFacts facts = store().agents().enrollmentFacts(attempt);
        assertThat(facts.organization()).contains(org.organization());
        assertThat(facts.installer()).contains(installer);
        assertThat(facts.key()).contains(key);
        assertThat(facts.groupPath()).extracting(Group::id).containsExactly(org.rootGroup().id(), a.id(), site.id());
        assertThat(facts.signingKeyKnown()).isTrue();
        assertThat(facts.activeSigningKeyId()).contains(signing.keyId());
        assertThat(facts.existingAgent()).isEmpty();
        assertThat(facts.blockedUntil()).isEmpty();
        assertThat(facts.nonceSeen()).isFalse();

        AtomicReference<EnrollmentFacts> seen = new AtomicReference<>();
        EnrollmentCommit first = store().agents().enroll(attempt, f -> {
            seen.set(f);
            Agent agent = newAgent(key, site.id(), fp, installer.id());
            return new EnrollmentVerdict.Admit(agent, AuditEvent.of(clock().instant(), org.id(), Actor.SYSTEM, AuditAction.AGENT_ENROLLED,
                    Subject.of(agent.id()), Map.of(), Map.of()));
        });
        assertThat(seen.get()).isEqualTo(facts);
        Agent agent = ((EnrollmentCommit.Enrolled) first).agent();
        EnrollmentAttempt again = new EnrollmentAttempt(org.id(), installer.id(), key.id(), signing.keyId(), fp, attempt.nonce(),
                attempt.nonceExpiresAt(), clock().instant(), Optional.empty());
        EnrollmentFacts after = store().agents().enrollmentFacts(again);
        assertThat(after.existingAgent()).contains(agent);
        assertThat(after.nonceSeen()).isTrue();
        assertThat(after.key().orElseThrow().useCount()).isEqualTo(1);
        assertThat(store().agents().enrollmentFacts(new EnrollmentAttempt(org.id(), installer.id(), key.id(), randomSigningKeyId(), fp,
                newNonce(), attempt.nonceExpiresAt(), clock().instant(), Optional.empty())).signingKeyKnown()).isFalse();
    }

    /** Contract: a known agent key gets its agent back without a second use. */
    @Test
    @DisplayName("a known agent key gets its agent back without a second use")
    default void idempotentRetry() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        AccessKey key = admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id()).maxUses(1).build());
        String fp = randomFingerprint();
        Agent first = ((EnrollmentCommit.Enrolled) enroll(key, fp)).agent();
        assertThat(enroll(key, fp)).isEqualTo(new EnrollmentCommit.AlreadyEnrolled(first));
        assertThat(admin().accessKeys().require(org.id(), key.id()).useCount()).isEqualTo(1);
        assertThat(enroll(key)).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_EXHAUSTED));
    }

    /**
     * Contract: a single-use installer admits one computer; the next is refused at commit, counting nothing; its
     * retry still works.
     */
    @Test
    @DisplayName("a single-use installer admits one computer; the next is refused at commit, counting nothing; its retry still works")
    default void singleUseInstaller() {
        NewOrganization org = newOrg();
        AccessKey key = keyFor(group(org, "Customer A"));
        InstallerRecord single = new InstallerRecord(InstallerId.random(), org.id(), key.id(), "hbs_" + "A".repeat(22), clock().instant(), ALICE,
                Optional.of(clock().instant().plus(Duration.ofDays(1))), Optional.empty(), "token", Optional.empty(), Optional.empty(),
                Optional.empty(), OptionalLong.of(1), 0, 0);
        store().installers().insert(single, installerAudit(single, AuditAction.INSTALLER_ISSUED));
        String fp = randomFingerprint();
        EnrollmentCommit first = enroll(attemptWith(single, key, fp));
        assertThat(first).isInstanceOf(EnrollmentCommit.Enrolled.class);
        InstallerRecord used = store().installers().find(org.id(), single.id()).orElseThrow();
        assertThat(used.useCount()).isEqualTo(1);
        assertThat(used.isExhausted()).isTrue();
        assertThat(used.version()).as("a counted use is no admin change").isEqualTo(single.version());

        // The judge here admits whatever it read: the refusal is the store's own, at commit.
        assertThat(enroll(attemptWith(single, key, randomFingerprint())))
                .isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.INSTALLER_EXHAUSTED));
        assertThat(enroll(attemptWith(single, key, fp))).as("the same computer again (its answer was lost)")
                .isEqualTo(new EnrollmentCommit.AlreadyEnrolled(((EnrollmentCommit.Enrolled) first).agent()));
        assertThat(admin().accessKeys().require(org.id(), key.id()).useCount()).as("the refusal counted no use of the key").isEqualTo(1);
        assertThat(store().agents().listByInstaller(org.id(), single.id(), PageRequest.first(10)).items()).hasSize(1);
        assertThat(store().installers().find(org.id(), single.id()).orElseThrow().useCount()).isEqualTo(1);

        // A use the key refuses gives the installer's use back: a disabled key does not burn a single-use link.
        InstallerRecord other = new InstallerRecord(InstallerId.random(), org.id(), key.id(), single.signingKeyId(), clock().instant(), ALICE,
                single.expiresAt(), Optional.empty(), "token", Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.of(1), 0, 0);
        store().installers().insert(other, installerAudit(other, AuditAction.INSTALLER_ISSUED));
        admin().accessKeys().disable(ALICE, org.id(), key.id(), "test");
        assertThat(enroll(attemptWith(other, key, randomFingerprint())))
                .isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_DISABLED));
        assertThat(store().installers().find(org.id(), other.id()).orElseThrow().useCount()).isZero();
        admin().accessKeys().enable(ALICE, org.id(), key.id());
        assertThat(enroll(attemptWith(other, key, randomFingerprint()))).isInstanceOf(EnrollmentCommit.Enrolled.class);
    }

    private EnrollmentAttempt attemptWith(InstallerRecord installer, AccessKey key, String fingerprint) {
        return new EnrollmentAttempt(key.organizationId(), installer.id(), key.id(), installer.signingKeyId(), fingerprint, newNonce(),
                clock().instant().plusSeconds(301), clock().instant(), Optional.empty());
    }

    /**
     * Contract: an admission is refused at commit for a disabled, expired, exhausted, deleted or re-pointed key,
     * storing nothing.
     */
    @Test
    @DisplayName("an admission is refused at commit for a disabled, expired, exhausted, deleted or re-pointed key, storing nothing")
    default void commitTimeRefusals() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        AccessKey key = admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id())
                .expiresIn(Duration.ofHours(1)).build());
        admin().accessKeys().disable(ALICE, org.id(), key.id(), "test");
        assertThat(enroll(key)).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_DISABLED));
        admin().accessKeys().enable(ALICE, org.id(), key.id());

        // A judge that still places the agent in the group it read before the key was re-pointed.
        Group b = group(org, "Customer B");
        admin().accessKeys().repoint(ALICE, org.id(), key.id(), b.id());
        EnrollmentAttempt stale = attempt(key, randomFingerprint());
        EnrollmentCommit r = store().agents().enroll(stale, f -> {
            Agent agent = newAgent(key, a.id(), stale.agentFingerprint(), stale.installer());
            return new EnrollmentVerdict.Admit(agent, AuditEvent.of(clock().instant(), org.id(), Actor.SYSTEM, AuditAction.AGENT_ENROLLED,
                    Subject.of(agent.id()), Map.of(), Map.of()));
        });
        assertThat(r).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_CHANGED));

        clock().advance(Duration.ofHours(1));
        assertThat(enroll(admin().accessKeys().require(org.id(), key.id())))
                .isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_EXPIRED));

        AccessKey gone = admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("gone", a.id()).build());
        admin().accessKeys().delete(ALICE, org.id(), gone.id());
        assertThat(enroll(gone)).isEqualTo(new EnrollmentCommit.Denied());

        assertThat(admin().accessKeys().require(org.id(), key.id()).useCount()).isZero();
        assertThat(store().agents().listByKey(org.id(), key.id(), PageRequest.first(10)).items()).isEmpty();
        assertThat(store().agents().listByGroup(org.id(), a.id(), PageRequest.first(10)).items()).isEmpty();
        assertThat(store().agents().listByGroup(org.id(), b.id(), PageRequest.first(10)).items()).isEmpty();
    }

    /** Contract: a judge that rejects stores nothing, and is the last word even when called again. */
    @Test
    @DisplayName("a judge that rejects stores nothing, and is the last word even when called again")
    default void rejection() {
        NewOrganization org = newOrg();
        AtomicInteger calls = new AtomicInteger();
        EnrollmentAttempt attempt = attempt(org.defaultKey(), randomFingerprint());
        assertThat(store().agents().enroll(attempt, f -> {
            calls.incrementAndGet();
            return new EnrollmentVerdict.Deny();
        })).isEqualTo(new EnrollmentCommit.Denied());
        assertThat(calls.get()).isPositive();
        assertThat(admin().accessKeys().require(org.id(), org.defaultKey().id()).useCount()).isZero();
        assertThat(store().agents().enrollmentFacts(attempt).nonceSeen()).isFalse();
    }

    /** Contract: a nonce is accepted once: the same attempt again is refused as replayed, its agent created once. */
    @Test
    @DisplayName("a nonce is accepted once: the same attempt again is refused as replayed, its agent created once")
    default void replay() {
        NewOrganization org = newOrg();
        EnrollmentAttempt attempt = attempt(org.defaultKey(), randomFingerprint());
        assertThat(enroll(attempt)).isInstanceOf(EnrollmentCommit.Enrolled.class);
        // A judge that ignores what it was told about the nonce: the store still refuses the second use.
        EnrollmentCommit second = store().agents().enroll(attempt, f -> new EnrollmentVerdict.Existing(f.existingAgent().orElseThrow()));
        assertThat(second).isEqualTo(new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.REPLAYED));
        // The same nonce from another agent key is its own nonce.
        EnrollmentAttempt other = new EnrollmentAttempt(org.id(), attempt.installer(), org.defaultKey().id(), attempt.signingKeyId(),
                randomFingerprint(), attempt.nonce(), attempt.nonceExpiresAt(), clock().instant(), Optional.empty());
        assertThat(enroll(other)).isInstanceOf(EnrollmentCommit.Enrolled.class);
        assertThat(admin().accessKeys().require(org.id(), org.defaultKey().id()).useCount()).isEqualTo(2);
    }

    /** Contract: an enrollment of an organization that does not exist reads nothing, and its judge must reject. */
    @Test
    @DisplayName("an enrollment of an organization that does not exist reads nothing, and its judge must reject")
    default void unknownOrganization() {
        NewOrganization org = newOrg();
        EnrollmentAttempt attempt = attempt(org.defaultKey(), randomFingerprint());
        EnrollmentAttempt elsewhere = new EnrollmentAttempt(com.heartbeatrm.core.OrganizationId.random(), attempt.installer(), attempt.key(),
                attempt.signingKeyId(), attempt.agentFingerprint(), attempt.nonce(), attempt.nonceExpiresAt(), attempt.now(), Optional.empty());
        EnrollmentFacts facts = store().agents().enrollmentFacts(elsewhere);
        assertThat(facts.organization()).isEmpty();
        assertThat(facts.key()).isEmpty();
        assertThat(facts.installer()).isEmpty();
        assertThat(enroll(elsewhere)).isEqualTo(new EnrollmentCommit.Denied());
    }
}
