package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.GroupNotEmptyException;
import com.heartbeatrm.core.GroupSettings;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.ArtifactDigest;
import com.heartbeatrm.core.Revocation;
import com.heartbeatrm.core.spi.StoredSigningKey;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.InvalidMoveException;
import com.heartbeatrm.core.KeyLifetimeLimit;
import com.heartbeatrm.core.NetworkAllowList;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.SettingLockedException;
import com.heartbeatrm.core.StaleVersionException;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.core.spi.KeyUse;
import com.heartbeatrm.core.spi.KeyUseResult;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The conformance kit for {@link HeartbeatStore} implementations. Extend it in your test sources, return a new,
 * empty store from {@link #newStore()}, and every contract of the storage SPI runs against your store:
 * organization setup, the group tree, settings persistence, access keys, the atomic enrollment step, the audit
 * log, tenant isolation, paging, and concurrency.
 *
 * <pre>{@code
 * class MyStoreConformanceTest extends HeartbeatStoreConformanceKit {
 *     protected HeartbeatStore newStore() { return new MyStore(freshDataSource()); }
 * }
 * }</pre>
 *
 * The tests go through {@link HeartbeatAdmin}, as a host application would, and through the SPI directly
 * where the contract is the SPI's own (enrollment). Time comes from a {@link MutableClock}; nothing sleeps.
 */
public abstract class HeartbeatStoreConformanceKit {
    protected static final Actor ALICE = Actor.of("alice@example.com");
    private static final SecureRandom RANDOM = new SecureRandom();

    protected MutableClock clock;
    protected HeartbeatStore store;
    protected HeartbeatAdmin admin;

    /** For subclasses: one per store implementation under test. */
    protected HeartbeatStoreConformanceKit() {
    }

    /** A new store with no data in it. Called before every test. */
    protected abstract HeartbeatStore newStore();

    /** Releases what {@link #newStore()} acquired (pools, schemas). Called after every test; the default does nothing. */
    protected void closeStore(HeartbeatStore closing) throws Exception {
    }

    @org.junit.jupiter.api.AfterEach
    void tearDownKit() throws Exception {
        if (store != null) {
            closeStore(store);
        }
    }

    /** Threads used by the concurrency contracts; a store with a small connection pool may lower it. */
    protected int concurrency() {
        return 32;
    }

    @BeforeEach
    void setUpKit() {
        clock = new MutableClock(Instant.parse("2026-03-01T12:00:00.123456Z"));
        store = newStore();
        admin = HeartbeatAdmin.builder().store(store).clock(clock).build();
    }

    /** A unique organization name, so stores that cannot be emptied between tests still pass. */
    protected static String uniqueName(String base) {
        return base + " " + Long.toHexString(RANDOM.nextLong());
    }

    protected NewOrganization newOrg() {
        return admin.organizations().setUp(ALICE, uniqueName("Org"));
    }

    protected static String randomFingerprint() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An agent as the enrollment service would build it for {@code key}, landing in the key's current group. */
    protected Agent newAgent(AccessKey key, String fingerprint) {
        Instant now = clock.instant();
        return new Agent(AgentId.random(), key.organizationId(), key.groupId(), AgentStatus.ACTIVE, now, key.id(),
                Optional.of("inst_" + Long.toHexString(RANDOM.nextLong())), "host-" + Long.toHexString(RANDOM.nextLong()),
                Platform.LINUX, fingerprint, now, 0);
    }

    protected KeyUseResult enroll(AccessKey key) {
        return enroll(key, randomFingerprint());
    }

    protected KeyUseResult enroll(AccessKey key, String fingerprint) {
        Agent agent = newAgent(key, fingerprint);
        AuditEvent audit = AuditEvent.of(clock.instant(), key.organizationId(), Actor.SYSTEM, AuditAction.AGENT_ENROLLED,
                Subject.of(agent.id()), Map.of(), Map.of("key", key.id().value()));
        return store.agents().enroll(new KeyUse(key.id(), key.groupId(), agent, clock.instant(), audit));
    }

    protected List<AuditRecord> auditOf(OrganizationId org) {
        List<AuditRecord> all = new ArrayList<>();
        AuditQuery q = AuditQuery.all(org);
        Page<AuditRecord> page;
        do {
            page = admin.audit().query(q);
            all.addAll(page.items());
            q = q.withPage(q.page().next(page));
        } while (page.hasNext());
        return all;
    }

    protected static <T> List<T> runConcurrently(int threads, Callable<T> task) throws Exception {
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

    @Nested
    @DisplayName("organization setup")
    class Organizations {
        @Test
        @DisplayName("creates the organization, its root group and a default key pointing at the root, audited")
        void setUpCreatesRootAndDefaultKey() {
            NewOrganization acme = admin.organizations().setUp(ALICE, uniqueName("Acme MSP"));

            Organization org = admin.organizations().require(acme.id());
            assertThat(org).isEqualTo(acme.organization());
            Group root = admin.groups().require(acme.id(), org.rootGroupId());
            assertThat(root.isRoot()).isTrue();
            assertThat(root.name()).isEqualTo(org.name());
            AccessKey key = admin.accessKeys().require(acme.id(), acme.defaultKey().id());
            assertThat(key.isDefault()).isTrue();
            assertThat(key.groupId()).isEqualTo(root.id());
            assertThat(admin.accessKeys().status(key)).isEqualTo(AccessKeyStatus.ENABLED);
            assertThat(admin.accessKeys().defaultKey(acme.id())).contains(key);
            assertThat(auditOf(acme.id())).extracting(r -> r.event().action())
                    .containsExactly(AuditAction.ORGANIZATION_CREATED, AuditAction.GROUP_CREATED, AuditAction.KEY_CREATED);
        }

        @Test
        @DisplayName("finds organizations by name case-insensitively and refuses a duplicate name, storing nothing")
        void duplicateNameRefused() {
            String name = uniqueName("Acme");
            NewOrganization acme = admin.organizations().setUp(ALICE, name);
            assertThat(admin.organizations().findByName(name.toUpperCase(java.util.Locale.ROOT))).contains(acme.organization());
            assertThatThrownBy(() -> admin.organizations().setUp(ALICE, "  " + name.toLowerCase(java.util.Locale.ROOT) + " "))
                    .isInstanceOf(DuplicateNameException.class);
            assertThat(admin.organizations().findByName(name)).contains(acme.organization());
            assertThat(auditOf(acme.id())).hasSize(3);
        }

        @Test
        @DisplayName("lists organizations oldest first across pages")
        void listsInPages() {
            List<OrganizationId> created = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                created.add(newOrg().id());
                clock.advance(Duration.ofSeconds(1));
            }
            List<OrganizationId> listed = new ArrayList<>();
            PageRequest request = PageRequest.first(2);
            Page<Organization> page;
            do {
                page = admin.organizations().list(request);
                assertThat(page.items().size()).isLessThanOrEqualTo(2);
                page.items().forEach(o -> listed.add(o.id()));
                request = request.next(page);
            } while (page.hasNext());
            assertThat(listed).containsSubsequence(created);
            assertThat(new HashSet<>(listed)).hasSize(listed.size());
        }
    }

    @Nested
    @DisplayName("tenant isolation")
    class TenantIsolation {
        @Test
        @DisplayName("a group, key, agent or audit record of one organization is invisible to another")
        void objectsOfOtherOrganizationsAreInvisible() {
            NewOrganization a = newOrg();
            NewOrganization b = newOrg();
            Group customer = admin.groups().create(ALICE, a.id(), a.rootGroup().id(), "Customer A");
            AccessKey key = admin.accessKeys().create(ALICE, a.id(), AccessKeySpec.builder("k", customer.id()).build());
            Agent agent = ((KeyUseResult.Enrolled) enroll(key)).agent();

            assertThat(admin.groups().find(b.id(), customer.id())).isEmpty();
            assertThat(store.groups().pathFromRoot(b.id(), customer.id())).isEmpty();
            assertThat(store.groups().children(b.id(), a.rootGroup().id())).isEmpty();
            assertThat(store.groups().subtree(b.id(), a.rootGroup().id())).isEmpty();
            assertThat(admin.groups().findByPath(b.id(), "Customer A")).isEmpty();
            assertThat(admin.accessKeys().find(b.id(), key.id())).isEmpty();
            assertThat(admin.agents().find(b.id(), agent.id())).isEmpty();
            assertThat(store.agents().findByPublicKeyFingerprint(b.id(), agent.publicKeyFingerprint())).isEmpty();
            assertThat(store.agents().listByKey(b.id(), key.id(), PageRequest.first(10)).items()).isEmpty();
            assertThat(auditOf(b.id())).noneMatch(r -> r.event().subject().id().equals(customer.id().value()));
        }

        @Test
        @DisplayName("nothing can reference across organizations")
        void crossOrganizationReferencesRefused() {
            NewOrganization a = newOrg();
            NewOrganization b = newOrg();
            Group inA = admin.groups().create(ALICE, a.id(), a.rootGroup().id(), "Customer A");
            Group inB = admin.groups().create(ALICE, b.id(), b.rootGroup().id(), "Customer B");

            assertThatThrownBy(() -> admin.groups().create(ALICE, b.id(), inA.id(), "x")).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> admin.groups().move(ALICE, b.id(), inB.id(), inA.id())).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> admin.accessKeys().create(ALICE, b.id(), AccessKeySpec.builder("k", inA.id()).build()))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> admin.accessKeys().repoint(ALICE, b.id(), b.defaultKey().id(), inA.id()))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> admin.accessKeys().disable(ALICE, b.id(), a.defaultKey().id(), "x"))
                    .isInstanceOf(NotFoundException.class);
            // The SPI itself refuses too, not only the admin API.
            assertThatThrownBy(() -> store.groups().move(b.id(), inB.id(), inA.id(), 0, audit(b.id())))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> store.accessKeys().update(b.defaultKey().withGroup(inA.id()), 0, audit(b.id())))
                    .isInstanceOf(NotFoundException.class);
            AccessKey keyOfA = a.defaultKey();
            Agent foreign = new Agent(AgentId.random(), b.id(), b.rootGroup().id(), AgentStatus.ACTIVE, clock.instant(),
                    keyOfA.id(), Optional.empty(), "h", Platform.LINUX, randomFingerprint(), clock.instant(), 0);
            KeyUseResult r = store.agents().enroll(new KeyUse(keyOfA.id(), b.rootGroup().id(), foreign, clock.instant(), audit(b.id())));
            assertThat(r).isEqualTo(new KeyUseResult.Refused(KeyUseResult.Reason.KEY_NOT_FOUND));
            assertThat(admin.accessKeys().require(a.id(), keyOfA.id()).useCount()).isZero();
            assertThat(admin.groups().require(b.id(), inB.id()).parentId()).contains(b.rootGroup().id());
        }

        private AuditEvent audit(OrganizationId org) {
            return AuditEvent.of(clock.instant(), org, ALICE, AuditAction.GROUP_MOVED, Subject.of(org), Map.of(), Map.of());
        }
    }

    @Nested
    @DisplayName("group tree")
    class GroupTree {
        NewOrganization org;
        GroupId root;

        @BeforeEach
        void createOrg() {
            org = newOrg();
            root = org.rootGroup().id();
        }

        @Test
        @DisplayName("names are trimmed and unique among siblings, case-insensitively; other parents may reuse them")
        void siblingNamesUnique() {
            Group a = admin.groups().create(ALICE, org.id(), root, "  Customer A ");
            assertThat(a.name()).isEqualTo("Customer A");
            assertThatThrownBy(() -> admin.groups().create(ALICE, org.id(), root, "customer a"))
                    .isInstanceOf(DuplicateNameException.class);
            Group site = admin.groups().create(ALICE, org.id(), a.id(), "Customer A");
            assertThat(site.parentId()).contains(a.id());
            Group b = admin.groups().create(ALICE, org.id(), root, "Customer B");
            assertThatThrownBy(() -> admin.groups().rename(ALICE, org.id(), b.id(), "CUSTOMER A"))
                    .isInstanceOf(DuplicateNameException.class);
            assertThat(admin.groups().rename(ALICE, org.id(), b.id(), "customer b").name()).isEqualTo("customer b");
            assertThat(admin.groups().children(org.id(), root)).extracting(Group::name).containsExactly("Customer A", "customer b");
        }

        @Test
        @DisplayName("names with quotes, Unicode and maximal length round-trip exactly")
        void unusualNamesRoundTrip() {
            String max = "é".repeat(Group.MAX_NAME_LENGTH);
            for (String name : List.of("O'Brien \"Ltd\"", "Zürich – Büro 🏢", "日本支社", "a;b--c /*x*/".replace("/", "|"), max)) {
                Group g = admin.groups().create(ALICE, org.id(), root, name);
                assertThat(admin.groups().require(org.id(), g.id()).name()).isEqualTo(name);
                assertThat(admin.groups().findByPath(org.id(), name)).map(Group::id).contains(g.id());
            }
            assertThatThrownBy(() -> admin.groups().create(ALICE, org.id(), root, "a\u0000b")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> admin.groups().create(ALICE, org.id(), root, max + "x")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> admin.groups().create(ALICE, org.id(), root, "a/b")).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> admin.groups().create(ALICE, org.id(), root, "   ")).isInstanceOf(InvalidInputException.class);
        }

        @Test
        @DisplayName("looks groups up by path and lists children, subtree and ancestors")
        void pathsAndTraversal() {
            Group a = admin.groups().create(ALICE, org.id(), root, "Customer A");
            Group s2 = admin.groups().create(ALICE, org.id(), a.id(), "Site 2");
            Group s1 = admin.groups().create(ALICE, org.id(), a.id(), "Site 1");
            Group floor = admin.groups().create(ALICE, org.id(), s1.id(), "Floor 3");
            Group b = admin.groups().create(ALICE, org.id(), root, "Customer B");

            assertThat(admin.groups().findByPath(org.id(), "Customer A/Site 1")).map(Group::id).contains(s1.id());
            assertThat(admin.groups().findByPath(org.id(), "customer a/SITE 1/floor 3")).map(Group::id).contains(floor.id());
            assertThat(admin.groups().findByPath(org.id(), "/")).map(Group::id).contains(root);
            assertThat(admin.groups().findByPath(org.id(), "Customer A/Site 9")).isEmpty();
            assertThat(admin.groups().pathOf(org.id(), floor.id())).isEqualTo("Customer A/Site 1/Floor 3");
            assertThat(admin.groups().pathOf(org.id(), root)).isEqualTo("/");
            assertThat(admin.groups().children(org.id(), a.id())).extracting(Group::id).containsExactly(s1.id(), s2.id());
            assertThat(admin.groups().subtree(org.id(), root)).extracting(Group::id)
                    .containsExactly(root, a.id(), s1.id(), floor.id(), s2.id(), b.id());
            assertThat(admin.groups().ancestors(org.id(), floor.id())).extracting(Group::id).containsExactly(root, a.id(), s1.id());
        }

        @Test
        @DisplayName("moves a subtree; refuses moving the root, cycles and a name clash in the new parent")
        void moves() {
            Group a = admin.groups().create(ALICE, org.id(), root, "Customer A");
            Group s1 = admin.groups().create(ALICE, org.id(), a.id(), "Site 1");
            Group b = admin.groups().create(ALICE, org.id(), root, "Customer B");

            Group moved = admin.groups().move(ALICE, org.id(), s1.id(), b.id());
            assertThat(moved.parentId()).contains(b.id());
            assertThat(admin.groups().pathOf(org.id(), s1.id())).isEqualTo("Customer B/Site 1");
            assertThat(admin.groups().children(org.id(), a.id())).isEmpty();

            assertThatThrownBy(() -> admin.groups().move(ALICE, org.id(), root, a.id())).isInstanceOf(InvalidMoveException.class);
            assertThatThrownBy(() -> admin.groups().move(ALICE, org.id(), b.id(), s1.id())).isInstanceOf(InvalidMoveException.class);
            assertThatThrownBy(() -> admin.groups().move(ALICE, org.id(), b.id(), b.id())).isInstanceOf(InvalidMoveException.class);
            admin.groups().create(ALICE, org.id(), a.id(), "site 1");
            assertThatThrownBy(() -> admin.groups().move(ALICE, org.id(), s1.id(), a.id())).isInstanceOf(DuplicateNameException.class);
            assertThat(admin.groups().require(org.id(), s1.id()).parentId()).contains(b.id());
        }

        @Test
        @DisplayName("delete is refused while children, agents or keys depend on the group, naming them")
        void deleteBlockers() {
            Group a = admin.groups().create(ALICE, org.id(), root, "Customer A");
            Group s1 = admin.groups().create(ALICE, org.id(), a.id(), "Site 1");
            AccessKey key = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("Site key", s1.id()).build());

            assertThatThrownBy(() -> admin.groups().delete(ALICE, org.id(), a.id()))
                    .isInstanceOfSatisfying(GroupNotEmptyException.class, e -> assertThat(e.blockers()).singleElement()
                            .asString().contains("1 child group").contains("Site 1"));
            enroll(key);
            assertThatThrownBy(() -> admin.groups().delete(ALICE, org.id(), s1.id()))
                    .isInstanceOfSatisfying(GroupNotEmptyException.class, e -> {
                        assertThat(e.blockers()).hasSize(2);
                        assertThat(e.getMessage()).contains("1 agent").contains(key.id().value());
                    });
            assertThatThrownBy(() -> admin.groups().delete(ALICE, org.id(), root)).isInstanceOf(ConflictException.class);

            Group empty = admin.groups().create(ALICE, org.id(), a.id(), "Site 2");
            admin.groups().delete(ALICE, org.id(), empty.id());
            assertThat(admin.groups().find(org.id(), empty.id())).isEmpty();
            assertThat(admin.groups().children(org.id(), a.id())).extracting(Group::id).containsExactly(s1.id());
            assertThat(auditOf(org.id())).anyMatch(r -> r.event().action() == AuditAction.GROUP_DELETED
                    && r.event().subject().equals(Subject.of(empty.id())));
        }

        @Test
        @DisplayName("an edit against a stale version is refused (no lost update)")
        void optimisticVersions() {
            Group a = admin.groups().create(ALICE, org.id(), root, "Customer A");
            assertThat(a.version()).isZero();
            Group renamed = admin.groups().rename(ALICE, org.id(), a.id(), "Customer A1", 0);
            assertThat(renamed.version()).isEqualTo(1);
            assertThatThrownBy(() -> admin.groups().rename(ALICE, org.id(), a.id(), "Customer A2", 0))
                    .isInstanceOf(StaleVersionException.class);
            assertThatThrownBy(() -> admin.groups().move(ALICE, org.id(), a.id(), root, 0)).isInstanceOf(StaleVersionException.class);
            assertThatThrownBy(() -> admin.groups().delete(ALICE, org.id(), a.id(), 0)).isInstanceOf(StaleVersionException.class);
            assertThat(admin.groups().require(org.id(), a.id()).name()).isEqualTo("Customer A1");
        }
    }

    @Nested
    @DisplayName("security settings")
    class Settings {
        NewOrganization org;
        Group a;
        Group site;

        @BeforeEach
        void createTree() {
            org = newOrg();
            a = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Customer A");
            site = admin.groups().create(ALICE, org.id(), a.id(), "Site 1");
        }

        @Test
        @DisplayName("every setting's override and lock is stored and read back exactly")
        void settingsPersist() {
            GroupSettings s = GroupSettings.NONE
                    .withOverride(SecuritySetting.REQUIRE_APPROVAL, true)
                    .withOverride(SecuritySetting.ALLOWED_NETWORKS, NetworkAllowList.parse("10.0.0.0/8, 2001:db8::/32"))
                    .withOverride(SecuritySetting.ALLOWED_PLATFORMS, PlatformSet.of(Platform.WINDOWS, Platform.MACOS))
                    .withOverride(SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofHours(6))
                    .withOverride(SecuritySetting.MAX_KEY_LIFETIME, KeyLifetimeLimit.of(Duration.ofDays(30)))
                    .withLock(SecuritySetting.ALLOWED_NETWORKS, true)
                    .withLock(SecuritySetting.MAX_KEY_LIFETIME, true);
            admin.groups().changeSettings(ALICE, org.id(), a.id(), s, 0);
            assertThat(admin.groups().require(org.id(), a.id()).settings()).isEqualTo(s);
        }

        @Test
        @DisplayName("values are inherited, overridden and reported with their origin")
        void inheritance() {
            var eff = admin.groups().effectiveSettings(org.id(), site.id());
            assertThat(eff.requireApproval()).isFalse();
            assertThat(eff.agentCredentialTtl()).isEqualTo(Duration.ofHours(24));
            assertThat(eff.resolved(SecuritySetting.REQUIRE_APPROVAL).describeSource()).isEqualTo("default");

            admin.groups().setOverride(ALICE, org.id(), a.id(), SecuritySetting.REQUIRE_APPROVAL, true);
            eff = admin.groups().effectiveSettings(org.id(), site.id());
            assertThat(eff.requireApproval()).isTrue();
            assertThat(eff.resolved(SecuritySetting.REQUIRE_APPROVAL).describeSource()).isEqualTo("inherited from Customer A");

            admin.groups().setOverride(ALICE, org.id(), site.id(), SecuritySetting.REQUIRE_APPROVAL, false);
            eff = admin.groups().effectiveSettings(org.id(), site.id());
            assertThat(eff.requireApproval()).isFalse();
            assertThat(eff.resolved(SecuritySetting.REQUIRE_APPROVAL).describeSource()).isEqualTo("set here");

            admin.groups().clearOverride(ALICE, org.id(), site.id(), SecuritySetting.REQUIRE_APPROVAL);
            assertThat(admin.groups().effectiveSettings(org.id(), site.id()).requireApproval()).isTrue();
        }

        @Test
        @DisplayName("a lock on an ancestor refuses descendant overrides, naming the ancestor, and wins over old ones")
        void locks() {
            admin.groups().setOverride(ALICE, org.id(), site.id(), SecuritySetting.ALLOWED_PLATFORMS, PlatformSet.of(Platform.LINUX));
            admin.groups().setLocked(ALICE, org.id(), a.id(), SecuritySetting.ALLOWED_PLATFORMS, true);

            assertThatThrownBy(() -> admin.groups().setOverride(ALICE, org.id(), site.id(), SecuritySetting.ALLOWED_PLATFORMS,
                    PlatformSet.of(Platform.WINDOWS)))
                    .isInstanceOfSatisfying(SettingLockedException.class, e -> {
                        assertThat(e.lockedBy()).isEqualTo(a.id());
                        assertThat(e.getMessage()).contains("Customer A");
                    });
            var eff = admin.groups().effectiveSettings(org.id(), site.id()).resolved(SecuritySetting.ALLOWED_PLATFORMS);
            assertThat(eff.value()).isEqualTo(PlatformSet.ALL);
            assertThat(eff.describeSource()).isEqualTo("default, locked by Customer A");
            // Other settings of the same group remain editable.
            admin.groups().setOverride(ALICE, org.id(), site.id(), SecuritySetting.REQUIRE_APPROVAL, true);
            // The group that holds the lock may still change its own value.
            admin.groups().setOverride(ALICE, org.id(), a.id(), SecuritySetting.ALLOWED_PLATFORMS, PlatformSet.of(Platform.MACOS));
            assertThat(admin.groups().effectiveSettings(org.id(), site.id()).allowedPlatforms()).isEqualTo(PlatformSet.of(Platform.MACOS));
        }

        @Test
        @DisplayName("a moved group's effective settings follow its new parent")
        void moveChangesInheritance() {
            Group b = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Customer B");
            admin.groups().setOverride(ALICE, org.id(), b.id(), SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofHours(1));
            admin.groups().move(ALICE, org.id(), site.id(), b.id());
            assertThat(admin.groups().effectiveSettings(org.id(), site.id()).agentCredentialTtl()).isEqualTo(Duration.ofHours(1));
        }
    }

    @Nested
    @DisplayName("access keys")
    class AccessKeys {
        NewOrganization org;
        Group a;

        @BeforeEach
        void createTree() {
            org = newOrg();
            a = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Customer A");
        }

        @Test
        @DisplayName("stores every attribute of a key and reads it back")
        void createRoundTrip() {
            AccessKey key = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("Customer A Access Key", a.id())
                    .expiresIn(Duration.ofDays(7)).maxUses(5).networks(NetworkAllowList.parse("192.168.0.0/16,fd00::/8"))
                    .platforms(PlatformSet.of(Platform.WINDOWS)).build());
            AccessKey read = admin.accessKeys().require(org.id(), key.id());
            assertThat(read).isEqualTo(key);
            assertThat(read.expiresAt()).contains(clock.instant().plus(Duration.ofDays(7)));
            assertThat(read.createdBy()).isEqualTo(ALICE);
            assertThat(read.id().value()).startsWith("hbk_").hasSize(26);
            assertThat(admin.accessKeys().listByGroup(org.id(), a.id())).containsExactly(key);
        }

        @Test
        @DisplayName("refuses an expiry in the past, zero uses, and restrictions that widen the group's")
        void badInput() {
            assertThatThrownBy(() -> admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id())
                    .expiresAt(clock.instant().minusSeconds(1)).build())).isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> AccessKeySpec.builder("k", a.id()).maxUses(0)).isInstanceOf(InvalidInputException.class);
            admin.groups().setOverride(ALICE, org.id(), a.id(), SecuritySetting.ALLOWED_NETWORKS, NetworkAllowList.parse("10.0.0.0/8"));
            assertThatThrownBy(() -> admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id())
                    .networks(NetworkAllowList.parse("11.0.0.0/8")).build())).isInstanceOf(InvalidInputException.class);
            AccessKey narrow = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id())
                    .networks(NetworkAllowList.parse("10.1.0.0/16")).build());
            assertThat(narrow.restrictions().networks()).contains(NetworkAllowList.parse("10.1.0.0/16"));
            assertThat(admin.accessKeys().listByGroup(org.id(), a.id())).containsExactly(narrow);
        }

        @Test
        @DisplayName("an expiry must respect the target group's maxKeyLifetime, also when re-pointing")
        void maxKeyLifetime() {
            Group strict = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Strict");
            admin.groups().setOverride(ALICE, org.id(), strict.id(), SecuritySetting.MAX_KEY_LIFETIME, KeyLifetimeLimit.of(Duration.ofDays(30)));
            assertThatThrownBy(() -> admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", strict.id()).build()))
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", strict.id())
                    .expiresIn(Duration.ofDays(31)).build())).isInstanceOf(InvalidInputException.class);
            admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", strict.id()).expiresIn(Duration.ofDays(30)).build());
            assertThatThrownBy(() -> admin.accessKeys().repoint(ALICE, org.id(), org.defaultKey().id(), strict.id()))
                    .isInstanceOf(InvalidInputException.class);
        }

        @Test
        @DisplayName("status is computed: disabled, expired, exhausted; disable records who, when and why")
        void status() {
            AccessKey key = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id())
                    .expiresIn(Duration.ofHours(2)).maxUses(1).build());
            assertThat(admin.accessKeys().status(key)).isEqualTo(AccessKeyStatus.ENABLED);

            AccessKey disabled = admin.accessKeys().disable(Actor.of("bob"), org.id(), key.id(), "laptop stolen");
            assertThat(admin.accessKeys().status(disabled)).isEqualTo(AccessKeyStatus.DISABLED);
            AccessKey read = admin.accessKeys().require(org.id(), key.id());
            assertThat(read.disabled()).hasValueSatisfying(d -> {
                assertThat(d.by()).isEqualTo(Actor.of("bob"));
                assertThat(d.reason()).isEqualTo("laptop stolen");
                assertThat(d.at()).isEqualTo(clock.instant());
            });
            assertThat(admin.accessKeys().status(admin.accessKeys().enable(ALICE, org.id(), key.id()))).isEqualTo(AccessKeyStatus.ENABLED);

            assertThat(enroll(admin.accessKeys().require(org.id(), key.id()))).isInstanceOf(KeyUseResult.Enrolled.class);
            assertThat(admin.accessKeys().status(admin.accessKeys().require(org.id(), key.id()))).isEqualTo(AccessKeyStatus.EXHAUSTED);
            clock.advance(Duration.ofHours(2));
            assertThat(admin.accessKeys().status(admin.accessKeys().require(org.id(), key.id()))).isEqualTo(AccessKeyStatus.EXPIRED);
        }

        @Test
        @DisplayName("rename, re-point and delete are stored and audited; enrolled agents are untouched")
        void changes() {
            AccessKey key = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id()).build());
            Agent agent = ((KeyUseResult.Enrolled) enroll(key)).agent();
            Group b = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Customer B");

            assertThat(admin.accessKeys().rename(ALICE, org.id(), key.id(), "Renamed").name()).isEqualTo("Renamed");
            AccessKey repointed = admin.accessKeys().repoint(ALICE, org.id(), key.id(), b.id());
            assertThat(repointed.groupId()).isEqualTo(b.id());
            assertThat(repointed.useCount()).isEqualTo(1);
            assertThat(admin.agents().require(org.id(), agent.id()).groupId()).isEqualTo(a.id());
            admin.accessKeys().delete(ALICE, org.id(), key.id());
            assertThat(admin.accessKeys().find(org.id(), key.id())).isEmpty();
            assertThat(admin.agents().require(org.id(), agent.id()).status()).isEqualTo(AgentStatus.ACTIVE);
            assertThat(auditOf(org.id())).extracting(r -> r.event().action())
                    .contains(AuditAction.KEY_RENAMED, AuditAction.KEY_REPOINTED, AuditAction.KEY_DELETED);
        }

        @Test
        @DisplayName("an admin edit against a stale version is refused; enrollments do not make edits stale")
        void optimisticVersions() {
            AccessKey key = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id()).build());
            enroll(key);
            admin.accessKeys().rename(ALICE, org.id(), key.id(), "first", 0);
            assertThatThrownBy(() -> admin.accessKeys().disable(ALICE, org.id(), key.id(), "late", 0))
                    .isInstanceOf(StaleVersionException.class);
            assertThat(admin.accessKeys().require(org.id(), key.id()).disabled()).isEmpty();
        }

        @Test
        @DisplayName("lists keys oldest first across pages")
        void paging() {
            List<AccessKeyId> created = new ArrayList<>();
            created.add(org.defaultKey().id());
            for (int i = 0; i < 7; i++) {
                clock.advance(Duration.ofMillis(1));
                created.add(admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k" + i, a.id()).build()).id());
            }
            List<AccessKeyId> listed = new ArrayList<>();
            PageRequest request = PageRequest.first(3);
            Page<AccessKey> page;
            do {
                page = admin.accessKeys().list(org.id(), request);
                page.items().forEach(k -> listed.add(k.id()));
                request = request.next(page);
            } while (page.hasNext());
            assertThat(listed).containsExactlyElementsOf(created);
        }
    }

    @Nested
    @DisplayName("enrollment step")
    class Enrollment {
        NewOrganization org;
        Group a;

        @BeforeEach
        void createTree() {
            org = newOrg();
            a = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Customer A");
        }

        @Test
        @DisplayName("counts one use and creates the agent together, with its audit event")
        void enrollCountsAndCreates() {
            AccessKey key = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id()).build());
            KeyUseResult r = enroll(key);
            assertThat(r).isInstanceOf(KeyUseResult.Enrolled.class);
            Agent agent = ((KeyUseResult.Enrolled) r).agent();
            assertThat(admin.agents().require(org.id(), agent.id())).isEqualTo(agent);
            AccessKey after = admin.accessKeys().require(org.id(), key.id());
            assertThat(after.useCount()).isEqualTo(1);
            assertThat(after.lastUsedAt()).contains(clock.instant());
            assertThat(after.lastUsedBy()).contains(agent.id());
            assertThat(after.version()).isEqualTo(key.version());
            assertThat(store.agents().findByPublicKeyFingerprint(org.id(), agent.publicKeyFingerprint())).contains(agent);
            assertThat(auditOf(org.id())).anyMatch(e -> e.event().action() == AuditAction.AGENT_ENROLLED
                    && e.event().subject().equals(Subject.of(agent.id())));
        }

        @Test
        @DisplayName("the same public key gets its agent back without a second use")
        void idempotentRetry() {
            AccessKey key = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id()).maxUses(1).build());
            String fp = randomFingerprint();
            Agent first = ((KeyUseResult.Enrolled) enroll(key, fp)).agent();
            assertThat(enroll(key, fp)).isEqualTo(new KeyUseResult.AlreadyEnrolled(first));
            assertThat(admin.accessKeys().require(org.id(), key.id()).useCount()).isEqualTo(1);
            assertThat(enroll(key)).isEqualTo(new KeyUseResult.Refused(KeyUseResult.Reason.KEY_EXHAUSTED));
        }

        @Test
        @DisplayName("refuses disabled, expired, exhausted, unknown and re-pointed keys, changing nothing")
        void refusals() {
            AccessKey key = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id())
                    .expiresIn(Duration.ofHours(1)).build());
            admin.accessKeys().disable(ALICE, org.id(), key.id(), "test");
            assertThat(enroll(key)).isEqualTo(new KeyUseResult.Refused(KeyUseResult.Reason.KEY_DISABLED));
            admin.accessKeys().enable(ALICE, org.id(), key.id());

            Group b = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Customer B");
            admin.accessKeys().repoint(ALICE, org.id(), key.id(), b.id());
            assertThat(enroll(key)).isEqualTo(new KeyUseResult.Refused(KeyUseResult.Reason.GROUP_CHANGED));

            clock.advance(Duration.ofHours(1));
            assertThat(enroll(admin.accessKeys().require(org.id(), key.id())))
                    .isEqualTo(new KeyUseResult.Refused(KeyUseResult.Reason.KEY_EXPIRED));

            AccessKey gone = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("gone", a.id()).build());
            admin.accessKeys().delete(ALICE, org.id(), gone.id());
            assertThat(enroll(gone)).isEqualTo(new KeyUseResult.Refused(KeyUseResult.Reason.KEY_NOT_FOUND));

            assertThat(admin.accessKeys().require(org.id(), key.id()).useCount()).isZero();
            assertThat(store.agents().listByKey(org.id(), key.id(), PageRequest.first(10)).items()).isEmpty();
            assertThat(store.agents().listByGroup(org.id(), a.id(), PageRequest.first(10)).items()).isEmpty();
        }

        @Test
        @DisplayName("agents are listed by group and by key, oldest first across pages")
        void agentQueries() {
            AccessKey key = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id()).build());
            List<AgentId> created = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofMillis(1));
                created.add(((KeyUseResult.Enrolled) enroll(key)).agent().id());
            }
            enroll(org.defaultKey());
            List<AgentId> byGroup = new ArrayList<>();
            PageRequest request = PageRequest.first(2);
            Page<Agent> page;
            do {
                page = admin.agents().listByGroup(org.id(), a.id(), request);
                page.items().forEach(x -> byGroup.add(x.id()));
                request = request.next(page);
            } while (page.hasNext());
            assertThat(byGroup).containsExactlyElementsOf(created);
            assertThat(admin.agents().listByKey(org.id(), key.id(), PageRequest.first(100)).items())
                    .extracting(Agent::id).containsExactlyElementsOf(created);
        }

        @Test
        @DisplayName("agents can be moved, disabled, seen and deleted")
        void agentChanges() {
            AccessKey key = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id()).build());
            Agent agent = ((KeyUseResult.Enrolled) enroll(key)).agent();
            Group b = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Customer B");

            assertThat(admin.agents().move(ALICE, org.id(), agent.id(), b.id()).groupId()).isEqualTo(b.id());
            assertThat(admin.agents().setStatus(ALICE, org.id(), agent.id(), AgentStatus.DISABLED).status()).isEqualTo(AgentStatus.DISABLED);
            Instant later = clock.instant().plusSeconds(60);
            assertThat(store.agents().recordSeen(org.id(), agent.id(), later)).isTrue();
            Agent read = admin.agents().require(org.id(), agent.id());
            assertThat(read.lastSeenAt()).isEqualTo(later);
            assertThat(read.groupId()).isEqualTo(b.id());
            assertThatThrownBy(() -> store.agents().update(read.withStatus(AgentStatus.ACTIVE), 0,
                    AuditEvent.of(clock.instant(), org.id(), ALICE, AuditAction.AGENT_STATUS_CHANGED, Subject.of(agent.id()), Map.of(), Map.of())))
                    .isInstanceOf(StaleVersionException.class);
            admin.agents().delete(ALICE, org.id(), agent.id());
            assertThat(admin.agents().find(org.id(), agent.id())).isEmpty();
            assertThat(store.agents().recordSeen(org.id(), agent.id(), later)).isFalse();
        }
    }

    @Nested
    @DisplayName("audit log")
    class Audit {
        @Test
        @DisplayName("every change is recorded with actor, subject, before and after; queries filter by subject and time")
        void recordsAndFilters() {
            NewOrganization org = newOrg();
            Instant t0 = clock.instant();
            Group a = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Customer A");
            clock.advance(Duration.ofMinutes(1));
            Instant t1 = clock.instant();
            admin.groups().rename(Actor.of("bob"), org.id(), a.id(), "Customer A Ltd");
            clock.advance(Duration.ofMinutes(1));
            admin.accessKeys().disable(ALICE, org.id(), org.defaultKey().id(), "rotation");

            List<AuditRecord> forA = admin.audit().query(AuditQuery.all(org.id()).forSubject(Subject.of(a.id()))).items();
            assertThat(forA).extracting(r -> r.event().action()).containsExactly(AuditAction.GROUP_CREATED, AuditAction.GROUP_RENAMED);
            AuditEvent rename = forA.get(1).event();
            assertThat(rename.actor()).isEqualTo(Actor.of("bob"));
            assertThat(rename.at()).isEqualTo(t1);
            assertThat(rename.before()).containsEntry("name", "Customer A");
            assertThat(rename.after()).containsEntry("name", "Customer A Ltd");
            assertThat(forA.get(0).sequence()).isLessThan(forA.get(1).sequence());

            List<AuditRecord> window = admin.audit().query(AuditQuery.all(org.id()).between(t1, t1.plusSeconds(1))).items();
            assertThat(window).singleElement().satisfies(r -> assertThat(r.event().action()).isEqualTo(AuditAction.GROUP_RENAMED));
            List<AuditRecord> sinceStart = admin.audit().query(AuditQuery.all(org.id()).between(t0, t0.plusSeconds(3600))).items();
            assertThat(sinceStart).extracting(r -> r.event().action()).containsSubsequence(AuditAction.GROUP_CREATED,
                    AuditAction.GROUP_RENAMED, AuditAction.KEY_DISABLED);
        }

        @Test
        @DisplayName("pages through the log in sequence order")
        void paging() {
            NewOrganization org = newOrg();
            for (int i = 0; i < 9; i++) {
                admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "g" + i);
            }
            List<Long> sequences = new ArrayList<>();
            AuditQuery q = AuditQuery.all(org.id()).withPage(PageRequest.first(4));
            Page<AuditRecord> page;
            do {
                page = admin.audit().query(q);
                assertThat(page.items().size()).isLessThanOrEqualTo(4);
                page.items().forEach(r -> sequences.add(r.sequence()));
                q = q.withPage(q.page().next(page));
            } while (page.hasNext());
            assertThat(sequences).hasSize(12).isSorted().doesNotHaveDuplicates();
        }
    }

    @Nested
    @DisplayName("concurrency")
    class Concurrency {
        @Test
        @DisplayName("threads racing to use a key limited to 10 uses end with exactly 10 agents and a use count of 10")
        void keyUsesAreExact() throws Exception {
            NewOrganization org = newOrg();
            AccessKey key = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("ten", org.rootGroup().id())
                    .maxUses(10).build());
            List<KeyUseResult> results = runConcurrently(concurrency(), () -> enroll(key));

            assertThat(results).filteredOn(r -> r instanceof KeyUseResult.Enrolled).hasSize(10);
            assertThat(results).filteredOn(r -> !(r instanceof KeyUseResult.Enrolled))
                    .allMatch(r -> r.equals(new KeyUseResult.Refused(KeyUseResult.Reason.KEY_EXHAUSTED)));
            assertThat(admin.accessKeys().require(org.id(), key.id()).useCount()).isEqualTo(10);
            assertThat(store.agents().listByKey(org.id(), key.id(), PageRequest.first(100)).items()).hasSize(10);
            assertThat(auditOf(org.id())).filteredOn(r -> r.event().action() == AuditAction.AGENT_ENROLLED).hasSize(10);
        }

        @Test
        @DisplayName("concurrent enrollments with the same public key create one agent and count one use")
        void sameAgentRacesItself() throws Exception {
            NewOrganization org = newOrg();
            String fp = randomFingerprint();
            List<KeyUseResult> results = runConcurrently(Math.min(8, concurrency()), () -> enroll(org.defaultKey(), fp));
            assertThat(results).filteredOn(r -> r instanceof KeyUseResult.Enrolled).hasSize(1);
            assertThat(admin.accessKeys().require(org.id(), org.defaultKey().id()).useCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("two concurrent moves of groups under each other never produce a cycle")
        void crossingMovesNeverCycle() throws Exception {
            // Many rounds: a store that reads a stale parent only loses the race now and then (H2 did at round 25).
            for (int round = 0; round < 30; round++) {
                NewOrganization org = newOrg();
                Group x = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "X");
                Group y = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Y");
                AtomicInteger turn = new AtomicInteger();
                List<Boolean> moved = runConcurrently(2, () -> {
                    boolean first = turn.getAndIncrement() == 0;
                    try {
                        admin.groups().move(ALICE, org.id(), first ? x.id() : y.id(), first ? y.id() : x.id(), 0);
                        return true;
                    } catch (InvalidMoveException | StaleVersionException e) {
                        return false;
                    }
                });
                assertThat(moved).containsOnlyOnce(true);
                assertTreeIsSound(org);
            }
        }

        @Test
        @DisplayName("concurrent edits of one group from the same version: exactly one wins")
        void concurrentEditsOneWins() throws Exception {
            NewOrganization org = newOrg();
            Group g = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "G");
            AtomicInteger n = new AtomicInteger();
            List<Boolean> won = runConcurrently(Math.min(8, concurrency()), () -> {
                try {
                    admin.groups().rename(ALICE, org.id(), g.id(), "G" + n.incrementAndGet(), 0);
                    return true;
                } catch (StaleVersionException e) {
                    return false;
                }
            });
            assertThat(won).containsOnlyOnce(true);
            assertThat(admin.groups().require(org.id(), g.id()).version()).isEqualTo(1);
        }

        @Test
        @DisplayName("concurrent creates of the same name under one parent: exactly one succeeds")
        void concurrentSiblingCreates() throws Exception {
            NewOrganization org = newOrg();
            List<Boolean> created = runConcurrently(Math.min(8, concurrency()), () -> {
                try {
                    admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Same");
                    return true;
                } catch (DuplicateNameException e) {
                    return false;
                }
            });
            assertThat(created).containsOnlyOnce(true);
            assertThat(admin.groups().children(org.id(), org.rootGroup().id())).hasSize(1);
        }

        @Test
        @DisplayName("a group delete racing a key create or an enrollment never leaves a dangling reference")
        void deleteRacesReferences() throws Exception {
            for (int round = 0; round < 10; round++) {
                NewOrganization org = newOrg();
                Group g = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Doomed");
                AtomicInteger turn = new AtomicInteger();
                runConcurrently(2, () -> {
                    try {
                        if (turn.getAndIncrement() == 0) {
                            admin.groups().delete(ALICE, org.id(), g.id(), 0);
                        } else {
                            admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", g.id()).build());
                        }
                    } catch (NotFoundException | GroupNotEmptyException e) {
                        // one of the two loses; which one is up to the race
                    }
                    return null;
                });
                boolean groupExists = admin.groups().find(org.id(), g.id()).isPresent();
                List<AccessKey> keys = admin.accessKeys().list(org.id(), PageRequest.first(100)).items();
                for (AccessKey k : keys) {
                    assertThat(admin.groups().find(org.id(), k.groupId())).as("group of key %s", k.id()).isPresent();
                }
                assertThat(groupExists || keys.stream().noneMatch(k -> k.groupId().equals(g.id()))).isTrue();
            }
        }

        private void assertTreeIsSound(NewOrganization org) {
            List<Group> all = admin.groups().subtree(org.id(), org.rootGroup().id());
            Set<GroupId> seen = new HashSet<>();
            for (Group gr : all) {
                assertThat(seen.add(gr.id())).as("group listed once: %s", gr.name()).isTrue();
                List<Group> path = admin.groups().pathFromRoot(org.id(), gr.id());
                assertThat(path.get(0).id()).isEqualTo(org.rootGroup().id());
                assertThat(path).extracting(Group::id).doesNotHaveDuplicates();
            }
        }
    }

    protected InstallerRecord newInstaller(AccessKey key) {
        return new InstallerRecord(InstallerId.random(), key.organizationId(), key.id(), "hbs_" + "A".repeat(22),
                clock.instant(), ALICE, Optional.of(clock.instant().plus(Duration.ofDays(1))), Optional.of(Platform.WINDOWS),
                "token", Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    protected AuditEvent installerAudit(InstallerRecord r, AuditAction action) {
        return AuditEvent.of(clock.instant(), r.organizationId(), ALICE, action, Subject.of(r.id()), Map.of(), Map.of());
    }

    @Nested
    @DisplayName("installer records")
    class Installers {
        @Test
        @DisplayName("records round-trip, list per key and per organization, and take revocations and digests")
        void lifecycle() {
            NewOrganization org = newOrg();
            AccessKey other = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("other", org.rootGroup().id()).build());
            List<InstallerId> forDefault = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clock.advance(Duration.ofMillis(1));
                InstallerRecord r = newInstaller(org.defaultKey());
                store.installers().insert(r, installerAudit(r, AuditAction.INSTALLER_ISSUED));
                assertThat(store.installers().find(org.id(), r.id())).contains(r);
                forDefault.add(r.id());
            }
            clock.advance(Duration.ofMillis(1));
            InstallerRecord o = newInstaller(other);
            store.installers().insert(o, installerAudit(o, AuditAction.INSTALLER_ISSUED));

            assertThat(store.installers().listByKey(org.id(), org.defaultKey().id(), PageRequest.first(2)).items())
                    .extracting(InstallerRecord::id).containsExactlyElementsOf(forDefault.subList(0, 2));
            Page<InstallerRecord> first = store.installers().list(org.id(), PageRequest.first(3));
            Page<InstallerRecord> second = store.installers().list(org.id(), PageRequest.first(3).next(first));
            assertThat(second.items()).extracting(InstallerRecord::id).containsExactly(o.id());

            InstallerRecord r = store.installers().find(org.id(), forDefault.get(0)).orElseThrow();
            Revocation rev = new Revocation(clock.instant(), ALICE, "sent to the wrong customer");
            InstallerRecord revoked = store.installers().update(r.withRevoked(rev), 0, installerAudit(r, AuditAction.INSTALLER_REVOKED));
            assertThat(revoked.revoked()).contains(rev);
            assertThat(revoked.version()).isEqualTo(1);
            assertThatThrownBy(() -> store.installers().update(r, 0, installerAudit(r, AuditAction.INSTALLER_REVOKED)))
                    .isInstanceOf(StaleVersionException.class);
            ArtifactDigest base = new ArtifactDigest("a".repeat(64), 1000);
            ArtifactDigest out = new ArtifactDigest("b".repeat(64), 1100);
            InstallerRecord packed = store.installers().update(revoked.withArtifacts("zip", base, out), 1,
                    installerAudit(r, AuditAction.INSTALLER_ISSUED));
            assertThat(store.installers().find(org.id(), r.id())).contains(packed);
            assertThat(packed.base()).contains(base);
            assertThat(packed.revoked()).contains(rev);
        }

        @Test
        @DisplayName("records are isolated per organization and need an existing key")
        void isolation() {
            NewOrganization a = newOrg();
            NewOrganization b = newOrg();
            InstallerRecord r = newInstaller(a.defaultKey());
            store.installers().insert(r, installerAudit(r, AuditAction.INSTALLER_ISSUED));
            assertThat(store.installers().find(b.id(), r.id())).isEmpty();
            assertThat(store.installers().list(b.id(), PageRequest.first(10)).items()).isEmpty();
            InstallerRecord cross = new InstallerRecord(InstallerId.random(), b.id(), a.defaultKey().id(), r.signingKeyId(),
                    r.issuedAt(), ALICE, r.expiresAt(), r.platform(), "token", Optional.empty(), Optional.empty(), Optional.empty(), 0);
            assertThatThrownBy(() -> store.installers().insert(cross, installerAudit(cross, AuditAction.INSTALLER_ISSUED)))
                    .isInstanceOf(NotFoundException.class);
            assertThat(store.installers().list(b.id(), PageRequest.first(10)).items()).isEmpty();
        }
    }

    /** A stored signing key with a random (not necessarily valid) public key: stores keep it opaque. */
    protected StoredSigningKey newSigningKey() {
        byte[] pub = new byte[32];
        RANDOM.nextBytes(pub);
        String b64 = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(pub);
        byte[] kid = new byte[16];
        RANDOM.nextBytes(kid);
        kid[15] = 0;
        String id = "hbs_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(kid);
        return new StoredSigningKey(id, b64, "d3JhcHBlZA", "test-kek", StoredSigningKey.Status.ACTIVE, clock.instant(), Optional.empty());
    }

    @Nested
    @DisplayName("signing keys")
    class SigningKeys {
        @Test
        @DisplayName("rotation keeps exactly one active key, retires the old one, and refuses a stale expectation")
        void rotation() {
            Optional<String> before = store.signingKeys().active().map(StoredSigningKey::keyId);
            StoredSigningKey k1 = newSigningKey();
            store.signingKeys().rotate(k1, before, clock.instant());
            assertThat(store.signingKeys().active()).contains(k1);
            clock.advance(Duration.ofDays(1));
            StoredSigningKey k2 = newSigningKey();
            store.signingKeys().rotate(k2, Optional.of(k1.keyId()), clock.instant());
            assertThat(store.signingKeys().active()).contains(k2);
            assertThat(store.signingKeys().find(k1.keyId())).hasValueSatisfying(k -> {
                assertThat(k.status()).isEqualTo(StoredSigningKey.Status.RETIRED);
                assertThat(k.retiredAt()).contains(clock.instant());
                assertThat(k.wrappedPrivateKey()).isEqualTo(k1.wrappedPrivateKey());
            });
            assertThatThrownBy(() -> store.signingKeys().rotate(newSigningKey(), Optional.of(k1.keyId()), clock.instant()))
                    .isInstanceOf(ConflictException.class);
            assertThat(store.signingKeys().list()).extracting(StoredSigningKey::keyId).containsSubsequence(k1.keyId(), k2.keyId());
            assertThat(store.signingKeys().list()).filteredOn(k -> k.status() == StoredSigningKey.Status.ACTIVE).hasSize(1);

            assertThatThrownBy(() -> store.signingKeys().remove(k2.keyId())).isInstanceOf(ConflictException.class);
            store.signingKeys().remove(k1.keyId());
            assertThat(store.signingKeys().find(k1.keyId())).isEmpty();
        }

        @Test
        @DisplayName("concurrent rotations from the same active key: exactly one wins")
        void concurrentRotation() throws Exception {
            StoredSigningKey base = newSigningKey();
            store.signingKeys().rotate(base, store.signingKeys().active().map(StoredSigningKey::keyId), clock.instant());
            List<Boolean> won = runConcurrently(Math.min(8, concurrency()), () -> {
                try {
                    store.signingKeys().rotate(newSigningKey(), Optional.of(base.keyId()), clock.instant());
                    return true;
                } catch (ConflictException e) {
                    return false;
                }
            });
            assertThat(won).containsOnlyOnce(true);
            assertThat(store.signingKeys().list()).filteredOn(k -> k.status() == StoredSigningKey.Status.ACTIVE).hasSize(1);
        }
    }

    @Nested
    @DisplayName("replay and throttling")
    class ReplayAndThrottling {
        @Test
        @DisplayName("a nonce is accepted once until it expires")
        void nonces() {
            String nonce = "n-" + Long.toHexString(RANDOM.nextLong());
            Instant now = clock.instant();
            assertThat(store.nonces().isRemembered(nonce, now)).isFalse();
            assertThat(store.nonces().remember(nonce, now.plusSeconds(600), now)).isTrue();
            assertThat(store.nonces().remember(nonce, now.plusSeconds(600), now.plusSeconds(1))).isFalse();
            assertThat(store.nonces().isRemembered(nonce, now.plusSeconds(599))).isTrue();
            assertThat(store.nonces().remember(nonce, now.plusSeconds(1200), now.plusSeconds(600))).isTrue();
        }

        @Test
        @DisplayName("concurrent uses of one nonce: exactly one is accepted")
        void nonceRace() throws Exception {
            String nonce = "race-" + Long.toHexString(RANDOM.nextLong());
            Instant now = clock.instant();
            List<Boolean> accepted = runConcurrently(Math.min(16, concurrency()), () -> store.nonces().remember(nonce, now.plusSeconds(600), now));
            assertThat(accepted).containsOnlyOnce(true);
        }

        @Test
        @DisplayName("failures within a window block the bucket for the back-off period")
        void throttling() {
            String bucket = "addr:test-" + Long.toHexString(RANDOM.nextLong());
            Instant t = clock.instant();
            Duration window = Duration.ofMinutes(10);
            Duration backoff = Duration.ofMinutes(15);
            assertThat(store.throttles().recordFailure(bucket, t, window, 3, backoff)).isEmpty();
            assertThat(store.throttles().recordFailure(bucket, t.plusSeconds(1), window, 3, backoff)).isEmpty();
            assertThat(store.throttles().blockedUntil(bucket, t.plusSeconds(2))).isEmpty();
            assertThat(store.throttles().recordFailure(bucket, t.plusSeconds(2), window, 3, backoff)).contains(t.plusSeconds(2).plus(backoff));
            assertThat(store.throttles().blockedUntil(bucket, t.plusSeconds(3))).contains(t.plusSeconds(2).plus(backoff));
            assertThat(store.throttles().blockedUntil(bucket, t.plusSeconds(2).plus(backoff))).isEmpty();
            // A window that has passed starts counting afresh.
            String other = bucket + "-b";
            store.throttles().recordFailure(other, t, window, 3, backoff);
            store.throttles().recordFailure(other, t.plusSeconds(1), window, 3, backoff);
            assertThat(store.throttles().recordFailure(other, t.plus(window).plusSeconds(5), window, 3, backoff)).isEmpty();
        }

        @Test
        @DisplayName("concurrent failures are all counted")
        void throttleRace() throws Exception {
            String bucket = "key:race-" + Long.toHexString(RANDOM.nextLong());
            Instant t = clock.instant();
            List<Optional<Instant>> results = runConcurrently(Math.min(16, concurrency()),
                    () -> store.throttles().recordFailure(bucket, t, Duration.ofMinutes(10), Math.min(16, concurrency()), Duration.ofMinutes(1)));
            assertThat(results).filteredOn(Optional::isPresent).isNotEmpty();
            assertThat(store.throttles().blockedUntil(bucket, t)).isPresent();
        }
    }

    @Nested
    @DisplayName("agent queries")
    class AgentQueries {
        @Test
        @DisplayName("agents are listed by status and by installer")
        void byStatusAndInstaller() {
            NewOrganization org = newOrg();
            NewOrganization other = newOrg();
            KeyUseResult.Enrolled a1 = (KeyUseResult.Enrolled) enroll(org.defaultKey());
            clock.advance(Duration.ofMillis(1));
            KeyUseResult.Enrolled a2 = (KeyUseResult.Enrolled) enroll(org.defaultKey());
            enroll(other.defaultKey());
            admin.agents().setStatus(ALICE, org.id(), a2.agent().id(), AgentStatus.PENDING);
            assertThat(store.agents().listByStatus(org.id(), AgentStatus.PENDING, PageRequest.first(10)).items())
                    .extracting(Agent::id).containsExactly(a2.agent().id());
            assertThat(store.agents().listByStatus(org.id(), AgentStatus.ACTIVE, PageRequest.first(10)).items())
                    .extracting(Agent::id).containsExactly(a1.agent().id());
            String installer = a1.agent().installerId().orElseThrow();
            assertThat(store.agents().listByInstaller(org.id(), installer, PageRequest.first(10)).items())
                    .extracting(Agent::id).containsExactly(a1.agent().id());
            assertThat(store.agents().listByInstaller(other.id(), installer, PageRequest.first(10)).items()).isEmpty();
        }
    }

    /** A fixed key-encryption key, so stores that keep data between runs can still unwrap their issuer key. */
    private static final byte[] KIT_KEK = "heartbeat-conformance-kit-kek-32".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Nested
    @DisplayName("enrollment service")
    class EnrollmentServiceContracts {
        private com.heartbeatrm.enrollment.IssuerKeys issuerKeys() {
            com.heartbeatrm.enrollment.IssuerKeys keys = com.heartbeatrm.enrollment.IssuerKeys.create(store,
                    com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey.of("conformance-kit",
                            com.heartbeatrm.core.SecretBytes.copyOf(KIT_KEK, com.heartbeatrm.core.SecretAccess.grant())), clock);
            keys.ensureActiveKey();
            return keys;
        }

        @Test
        @DisplayName("64 threads enrolling distinct agents with a key limited to 10 uses give exactly 10 agents")
        void exactlyTenOfSixtyFour() throws Exception {
            com.heartbeatrm.enrollment.IssuerKeys keys = issuerKeys();
            java.util.List<java.net.URI> endpoints = List.of(java.net.URI.create("https://kit.example/enroll"));
            com.heartbeatrm.enrollment.EnrollmentTokens tokens = com.heartbeatrm.enrollment.EnrollmentTokens
                    .builder(store, keys, "https://kit.example", endpoints).clock(clock).build();
            com.heartbeatrm.enrollment.EnrollmentService service = com.heartbeatrm.enrollment.EnrollmentService
                    .builder(store, keys, "https://kit.example").clock(clock).build();
            NewOrganization org = newOrg();
            Group group = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Customer A");
            AccessKey key = admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("ten", group.id()).maxUses(10).build());
            com.heartbeatrm.agent.EnrollmentToken token = tokens.issue(ALICE, org.id(), key.id(),
                    com.heartbeatrm.enrollment.TokenRequest.DEFAULTS).token();
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                com.heartbeatrm.agent.AgentFacts facts = new com.heartbeatrm.agent.AgentFacts("pc-" + i, "windows", "11", "1.0",
                        Optional.empty());
                bodies.add(com.heartbeatrm.agent.EnrollmentRequest.create(token, com.heartbeatrm.agent.AgentKeyPair.generate(), facts, clock)
                        .toJson());
            }
            AtomicInteger next = new AtomicInteger();
            List<com.heartbeatrm.enrollment.EnrollmentResult> results = runConcurrently(64, () -> service.enroll(
                    bodies.get(next.getAndIncrement()), new com.heartbeatrm.enrollment.RequestContext(
                            java.net.InetAddress.getByName("203.0.113." + (1 + next.get() % 200)), clock.instant())));

            assertThat(results).filteredOn(r -> r instanceof com.heartbeatrm.enrollment.EnrollmentResult.Enrolled).hasSize(10);
            assertThat(results).filteredOn(r -> !(r instanceof com.heartbeatrm.enrollment.EnrollmentResult.Enrolled))
                    .allSatisfy(r -> assertThat(((com.heartbeatrm.enrollment.EnrollmentResult.Denied) r).reason())
                            .isEqualTo(com.heartbeatrm.enrollment.DenialReason.KEY_EXHAUSTED));
            assertThat(admin.accessKeys().require(org.id(), key.id()).useCount()).isEqualTo(10);
            assertThat(store.agents().listByKey(org.id(), key.id(), PageRequest.first(100)).items()).hasSize(10)
                    .allSatisfy(a -> assertThat(a.groupId()).isEqualTo(group.id()));
        }

        @Test
        @DisplayName("a key disabled through one service instance is refused by another on its very next request")
        void disableIsSeenAtOnce() {
            com.heartbeatrm.enrollment.IssuerKeys keys = issuerKeys();
            java.util.List<java.net.URI> endpoints = List.of(java.net.URI.create("https://kit.example/enroll"));
            com.heartbeatrm.enrollment.EnrollmentTokens tokens = com.heartbeatrm.enrollment.EnrollmentTokens
                    .builder(store, keys, "https://kit.example", endpoints).clock(clock).build();
            com.heartbeatrm.enrollment.EnrollmentService nodeB = com.heartbeatrm.enrollment.EnrollmentService
                    .builder(store, keys, "https://kit.example").clock(clock).build();
            NewOrganization org = newOrg();
            com.heartbeatrm.agent.EnrollmentToken token = tokens.issue(ALICE, org.id(), org.defaultKey().id(),
                    com.heartbeatrm.enrollment.TokenRequest.DEFAULTS).token();
            HeartbeatAdmin nodeA = HeartbeatAdmin.builder().store(store).clock(clock).build();
            com.heartbeatrm.agent.AgentFacts facts = new com.heartbeatrm.agent.AgentFacts("pc", "linux", "6.1", "1.0", Optional.empty());
            nodeA.accessKeys().disable(ALICE, org.id(), org.defaultKey().id(), "kit");
            com.heartbeatrm.enrollment.EnrollmentResult r = nodeB.enroll(com.heartbeatrm.agent.EnrollmentRequest.create(token,
                    com.heartbeatrm.agent.AgentKeyPair.generate(), facts, clock).toJson(),
                    nodeB.contextFor(java.net.InetAddress.getLoopbackAddress()));
            assertThat(r).isEqualTo(new com.heartbeatrm.enrollment.EnrollmentResult.Denied(com.heartbeatrm.enrollment.DenialReason.KEY_DISABLED));
        }
    }
}
