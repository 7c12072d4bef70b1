package com.heartbeatrm.testkit;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.core.spi.RenewalAttempt;
import com.heartbeatrm.core.spi.RenewalCommit;
import com.heartbeatrm.core.spi.RenewalJudge;
import com.heartbeatrm.core.spi.StoredSigningKey;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What every store contract needs: the store under test (new and empty for each test), an admin API over it and the
 * clock both use, and helpers that build what a host would send. Implement it through {@link StoreFixture}, which
 * gives each test a fresh store, and add the contracts to run:
 *
 * <pre>{@code
 * class MyGroupStoreTest extends StoreFixture implements GroupStoreContract, AgentStoreContract {
 *     protected HeartbeatStore newStore() { return new MyStore(freshDatabase()); }
 * }
 * }</pre>
 * {@link HeartbeatStoreConformanceKit} runs all of them. Time comes from a {@link MutableClock}; nothing sleeps.
 */
public interface StoreContract {
    /** The actor of every admin change the contracts make. */
    Actor ALICE = Actor.of("alice@example.com");
    /** The source of random names, fingerprints and nonces; shared and thread-safe. */
    SecureRandom RANDOM = new SecureRandom();

    /**
     * The store under test.
     *
     * @return a new, empty store for each test
     */
    HeartbeatStore store();

    /**
     * The admin API over {@link #store()}, with {@link #clock()}.
     *
     * @return the admin API
     */
    HeartbeatAdmin admin();

    /**
     * The clock the store and the admin API use; tests move it instead of sleeping.
     *
     * @return the clock
     */
    MutableClock clock();

    /**
     * Threads used by the concurrency contracts; a store with a small connection pool may lower it.
     *
     * @return the thread count, 32 by default
     */
    default int concurrency() {
        return 32;
    }

    /**
     * A unique organization name, so stores that cannot be emptied between tests still pass.
     *
     * @param base the readable part
     * @return {@code base} and a random suffix
     */
    default String uniqueName(String base) {
        return base + " " + Long.toHexString(RANDOM.nextLong());
    }

    /**
     * A newly set-up organization with a unique name, by {@link #ALICE}.
     *
     * @return the organization with its root group and default key
     */
    default NewOrganization newOrg() {
        return admin().organizations().setUp(ALICE, uniqueName("Org"));
    }

    /**
     * A random agent key fingerprint: SHA-256 of random bytes, 64 lower-case hex characters.
     *
     * @return the fingerprint
     */
    default String randomFingerprint() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A fresh nonce as agents send them: 24 random bytes in base64url.
     *
     * @return the nonce
     */
    default String newNonce() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * A signing key id as the server derives them (the stores keep it opaque).
     *
     * @return {@code hbs_} and 22 base64url characters
     */
    default String randomSigningKeyId() {
        byte[] kid = new byte[16];
        RANDOM.nextBytes(kid);
        kid[15] = 0;
        return "hbs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(kid);
    }

    /**
     * A group named {@code name} under {@code parent}, created by {@link #ALICE}.
     *
     * @param org the organization
     * @param parent the parent group
     * @param name the group's name
     * @return the stored group
     */
    default Group group(NewOrganization org, GroupId parent, String name) {
        return admin().groups().create(ALICE, org.id(), parent, name);
    }

    /**
     * A group named {@code name} under the root.
     *
     * @param org the organization
     * @param name the group's name
     * @return the stored group
     */
    default Group group(NewOrganization org, String name) {
        return group(org, org.rootGroup().id(), name);
    }

    /**
     * A key named "k" that lands agents in {@code group}.
     *
     * @param group the target group
     * @return the stored key, without limits or restrictions
     */
    default AccessKey keyFor(Group group) {
        return admin().accessKeys().create(ALICE, group.organizationId(), AccessKeySpec.builder("k", group.id()).build());
    }

    /**
     * An agent as the enrollment pipeline builds it for {@code key}, landing in {@code group}.
     *
     * @param key the key that admits it
     * @param group the group it joins
     * @param fingerprint its public key fingerprint
     * @param installer the installer it presented
     * @return an ACTIVE Linux agent at generation 1, with a one-day credential, not stored
     */
    default Agent newAgent(AccessKey key, GroupId group, String fingerprint, InstallerId installer) {
        Instant now = clock().instant();
        return new Agent(AgentId.random(), key.organizationId(), group, AgentStatus.ACTIVE, now, key.id(), Optional.of(installer),
                "host-" + Long.toHexString(RANDOM.nextLong()), Platform.LINUX, fingerprint, now, 1, Optional.of(now), Optional.of(now.plusSeconds(86400)), 0);
    }

    /**
     * An enrollment attempt for {@code key} by the agent key {@code fingerprint}, with a fresh nonce.
     *
     * @param key the access key the token names
     * @param fingerprint the agent key's fingerprint
     * @return the attempt, at the clock's time, with a random installer and signing key id
     */
    default EnrollmentAttempt attempt(AccessKey key, String fingerprint) {
        Instant now = clock().instant();
        return new EnrollmentAttempt(key.organizationId(), InstallerId.random(), key.id(), randomSigningKeyId(), fingerprint, newNonce(),
                now.plusSeconds(301), now, Optional.empty());
    }

    /**
     * Enrolls through the SPI with a judge that admits whatever the store read, as long as the key exists: it
     * leaves every commit-time check (disabled, expired, exhausted, re-pointed, replayed) to the store.
     *
     * @param key the access key
     * @return what the store did
     */
    default EnrollmentCommit enroll(AccessKey key) {
        return enroll(key, randomFingerprint());
    }

    /**
     * As {@link #enroll(AccessKey)}, by the agent key {@code fingerprint}.
     *
     * @param key the access key
     * @param fingerprint the agent key's fingerprint; a second enrollment with it is a retry
     * @return what the store did
     */
    default EnrollmentCommit enroll(AccessKey key, String fingerprint) {
        return enroll(attempt(key, fingerprint));
    }

    /**
     * As {@link #enroll(AccessKey)}, for a given attempt (to resend one, or to set its nonce).
     *
     * @param attempt the attempt
     * @return what the store did
     */
    default EnrollmentCommit enroll(EnrollmentAttempt attempt) {
        return store().agents().enroll(attempt, facts -> {
            if (facts.existingAgent().isPresent()) {
                return new EnrollmentVerdict.Existing(facts.existingAgent().get());
            }
            if (facts.key().isEmpty()) {
                return new EnrollmentVerdict.Deny();
            }
            AccessKey key = facts.key().get();
            Agent agent = newAgent(key, key.groupId(), attempt.agentFingerprint(), attempt.installer());
            return new EnrollmentVerdict.Admit(agent, AuditEvent.of(attempt.now(), key.organizationId(), Actor.SYSTEM,
                    AuditAction.AGENT_ENROLLED, Subject.of(agent.id()), Map.of(), Map.of("key", key.id().value())));
        });
    }

    /**
     * An enrolled agent of a new organization's default key, for a test that needs one agent and no more of its
     * organization than the id ({@link Agent#organizationId()}).
     *
     * @return the stored agent
     */
    default Agent enrolledAgent() {
        return enrolledAgent(newOrg());
    }

    /**
     * An enrolled agent of the organization's default key.
     *
     * @param org the organization
     * @return the stored agent
     */
    default Agent enrolledAgent(NewOrganization org) {
        return enrolledAgent(org.defaultKey());
    }

    /**
     * An agent enrolled with {@code key}, which must admit it.
     *
     * @param key the access key
     * @return the stored agent
     */
    default Agent enrolledAgent(AccessKey key) {
        return ((EnrollmentCommit.Enrolled) enroll(key)).agent();
    }

    /**
     * A renewal attempt by {@code agent}, with a fresh nonce.
     *
     * @param agent the agent
     * @return the attempt, at the clock's time, presenting no credential
     */
    default RenewalAttempt renewal(Agent agent) {
        Instant now = clock().instant();
        return new RenewalAttempt(agent.organizationId(), agent.id(), agent.publicKeyFingerprint(), Optional.empty(), newNonce(),
                now.plusSeconds(301), now, Optional.empty());
    }

    /**
     * Renews through the SPI.
     *
     * @param attempt the attempt
     * @param judge decides from what the store read
     * @return what the store did
     */
    default RenewalCommit renew(RenewalAttempt attempt, RenewalJudge judge) {
        return store().agents().renew(attempt, judge);
    }

    /**
     * Every audit record of the organization, oldest first, read page by page through the admin API.
     *
     * @param org the organization
     * @return all its records
     */
    default List<AuditRecord> auditOf(OrganizationId org) {
        List<AuditRecord> all = new ArrayList<>();
        AuditQuery q = AuditQuery.all(org);
        Page<AuditRecord> page;
        do {
            page = admin().audit().query(q);
            all.addAll(page.items());
            q = q.withPage(q.page().next(page));
        } while (page.hasNext());
        return all;
    }

    /**
     * An installer record for {@code key}: a bare token issued now by {@link #ALICE}, expiring in a day.
     *
     * @param key the access key
     * @return the record, not stored
     */
    default InstallerRecord newInstaller(AccessKey key) {
        return new InstallerRecord(InstallerId.random(), key.organizationId(), key.id(), "hbs_" + "A".repeat(22),
                clock().instant(), ALICE, Optional.of(clock().instant().plus(Duration.ofDays(1))), Optional.of(Platform.WINDOWS),
                "token", Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.empty(), 0, 0);
    }

    /**
     * An audit event about installer {@code r}, by {@link #ALICE} now.
     *
     * @param r the installer
     * @param action what happened
     * @return the event
     */
    default AuditEvent installerAudit(InstallerRecord r, AuditAction action) {
        return AuditEvent.of(clock().instant(), r.organizationId(), ALICE, action, Subject.of(r.id()), Map.of(), Map.of());
    }

    /**
     * A stored signing key with a random (not necessarily valid) public key: stores keep it opaque.
     *
     * @return an ACTIVE key, not stored
     */
    default StoredSigningKey newSigningKey() {
        byte[] pub = new byte[32];
        RANDOM.nextBytes(pub);
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(pub);
        return new StoredSigningKey(randomSigningKeyId(), b64, "d3JhcHBlZA", "test-kek", StoredSigningKey.Status.ACTIVE, clock().instant(),
                Optional.empty());
    }

    /**
     * Runs {@code task} on {@code threads} threads released at once; returns every result (or fails after 2 min).
     *
     * @param <T> the task's result type
     * @param threads how many threads run the task, each once
     * @param task the task
     * @return the results, one per thread
     * @throws Exception when a task fails or does not finish within 2 minutes
     */
    default <T> List<T> runConcurrently(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
