package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.GroupNotEmptyException;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.InvalidMoveException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.StaleVersionException;
import com.heartbeatrm.core.spi.AccessKeyStore;
import com.heartbeatrm.core.spi.AgentStore;
import com.heartbeatrm.core.spi.AuditStore;
import com.heartbeatrm.core.spi.Cursors;
import com.heartbeatrm.core.spi.GroupStore;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.core.spi.InstallerStore;
import com.heartbeatrm.core.spi.ThrottleStore;
import com.heartbeatrm.core.spi.SigningKeyStore;
import com.heartbeatrm.core.spi.StoredSigningKey;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import com.heartbeatrm.core.spi.EnrollmentJudge;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.core.spi.RenewalAttempt;
import com.heartbeatrm.core.spi.RenewalCommit;
import com.heartbeatrm.core.spi.RenewalFacts;
import com.heartbeatrm.core.spi.RenewalJudge;
import com.heartbeatrm.core.spi.RenewalVerdict;
import com.heartbeatrm.core.spi.OrganizationSetup;
import com.heartbeatrm.core.spi.OrganizationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The thread-safe in-memory store, the default. Nothing survives the process.
 *
 * <p>Design: every organization is a {@code Tenant} guarded by its own monitor, and every SPI method runs
 * entirely inside that monitor, so each compound change (enroll = check key + count use + insert agent; move =
 * cycle check + re-parent; delete = blocker check + remove) is atomic and tenants never contend. Organization
 * creation alone takes a store-wide monitor for the name index. Values are immutable records, so reads hand
 * them out without copying.
 */
public final class InMemoryHeartbeatStore implements HeartbeatStore {
    private final Map<OrganizationId, Tenant> tenants = new ConcurrentHashMap<>();
    private final Map<String, OrganizationId> orgsByNameKey = new HashMap<>();
    private final AtomicLong auditSequence = new AtomicLong();
    private final Organizations organizations = new Organizations();
    private final Groups groups = new Groups();
    private final Keys keys = new Keys();
    private final Agents agents = new Agents();
    private final Audit audit = new Audit();
    private final Installers installers = new Installers();
    private final SigningKeys signingKeys = new SigningKeys();
    private final Throttles throttles = new Throttles();

    /** An empty store. */
    public InMemoryHeartbeatStore() {
        // every part starts empty; the fields above say so
    }

    @Override
    public OrganizationStore organizations() {
        return organizations;
    }

    @Override
    public GroupStore groups() {
        return groups;
    }

    @Override
    public AccessKeyStore accessKeys() {
        return keys;
    }

    @Override
    public AgentStore agents() {
        return agents;
    }

    @Override
    public AuditStore audit() {
        return audit;
    }

    @Override
    public InstallerStore installers() {
        return installers;
    }

    @Override
    public SigningKeyStore signingKeys() {
        return signingKeys;
    }

    @Override
    public ThrottleStore throttles() {
        return throttleStore;
    }

    /** The throttles, and their lift with its audit event in one step under the tenant's lock. */
    private final ThrottleStore throttleStore = new ThrottleStore() {
            @Override
            public Failure recordFailure(String bucket, Instant now, java.time.Duration window, int threshold, java.time.Duration backoff) {
                return throttles.recordFailure(bucket, now, window, threshold, backoff);
            }

            @Override
            public Optional<Instant> blockedUntil(String bucket, Instant now) {
                return throttles.blockedUntil(bucket, now);
            }

            @Override
            public List<Block> blocked(String prefix, Instant now) {
                return throttles.blocked(prefix, now);
            }

            @Override
            public int clear(String prefix) {
                return throttles.clear(prefix);
            }

            @Override
            public int lift(OrganizationId org, String prefix, java.util.function.IntFunction<AuditEvent> audit) {
                Tenant t = requireTenant(org);
                // The tenant's lock, then the throttles': the order every enrollment takes them in.
                synchronized (t) {
                    synchronized (throttles) {
                        Map<String, Throttles.Bucket> kept = new java.util.TreeMap<>(throttles.buckets.tailMap(prefix, true));
                        int n = throttles.clear(prefix);
                        try {
                            appendAudit(t, audit.apply(n));
                        } catch (RuntimeException e) {
                            kept.forEach((k, b) -> {
                                if (k.startsWith(prefix)) {
                                    throttles.buckets.put(k, b);
                                }
                            });
                            throw e;
                        }
                        return n;
                    }
                }
            }

            @Override
            public int purge(Instant now, java.time.Duration window) {
                return throttles.purge(now, window);
            }
        };

    @Override
    public String toString() {
        return "InMemoryHeartbeatStore[" + tenants.size() + " organizations]";
    }

    private static final class Tenant {
        final Organization organization;
        final Map<GroupId, Group> groups = new HashMap<>();
        final Map<GroupId, TreeMap<String, GroupId>> children = new HashMap<>();
        final Map<AccessKeyId, AccessKey> keys = new HashMap<>();
        final Map<AgentId, Agent> agents = new HashMap<>();
        final Map<String, AgentId> agentsByFingerprint = new HashMap<>();
        final List<AuditRecord> audit = new ArrayList<>();
        final Map<InstallerId, InstallerRecord> installers = new HashMap<>();
        /** Replay nonces (agent fingerprint + nonce) and when each may be forgotten. */
        final Map<String, Instant> nonces = new HashMap<>();
        /** The nonce of the renewal that issued each agent's current credential generation. */
        final Map<AgentId, String> renewalNonces = new HashMap<>();
        Instant nextNoncePurge = Instant.MIN;

        Tenant(Organization organization) {
            this.organization = organization;
        }

        Group group(GroupId id) {
            return existing(groups, id, "group", id.value());
        }

        /** The children of a stored group by name; every stored group has an entry, empty for a leaf. */
        NavigableMap<String, GroupId> childrenOf(GroupId id) {
            return Objects.requireNonNull(children.get(id), "children index of a stored group");
        }
    }

    /** The value stored under {@code id}, or a {@link NotFoundException} naming it. */
    private static <K, V> V existing(Map<K, V> map, K id, String kind, String idText) {
        V v = map.get(id);
        if (v == null) {
            throw new NotFoundException(kind, idText);
        }
        return v;
    }

    /** Refuses an id that is taken already. */
    private static <K> void requireNew(Map<K, ?> map, K id, String what) {
        if (map.containsKey(id)) {
            throw new ConflictException(what + " already exists: " + id);
        }
    }

    private Optional<Tenant> tenant(OrganizationId org) {
        return Optional.ofNullable(tenants.get(org));
    }

    private Tenant requireTenant(OrganizationId org) {
        Tenant t = tenants.get(org);
        if (t == null) {
            throw new NotFoundException("organization", org.value());
        }
        return t;
    }

    /** Runs {@code body} inside the tenant's monitor; an unknown organization reads as {@code empty}. */
    private <T> T read(OrganizationId org, T empty, Function<Tenant, T> body) {
        Tenant t = tenants.get(org);
        if (t == null) {
            return empty;
        }
        synchronized (t) {
            return body.apply(t);
        }
    }

    private <T> T write(OrganizationId org, Function<Tenant, T> body) {
        Tenant t = requireTenant(org);
        synchronized (t) {
            return body.apply(t);
        }
    }

    /** Remembers a nonce until {@code expiresAt}; purges expired ones at most once a minute. */
    private static void rememberNonce(Tenant t, String key, Instant expiresAt, Instant now) {
        if (now.isAfter(t.nextNoncePurge)) {
            t.nonces.values().removeIf(e -> !e.isAfter(now));
            t.nextNoncePurge = now.plusSeconds(60);
        }
        t.nonces.put(key, expiresAt);
    }

    private static boolean nonceSeen(Tenant t, String key, Instant now) {
        Instant e = t.nonces.get(key);
        return e != null && e.isAfter(now);
    }

    private static List<Group> pathFromRoot(Tenant t, GroupId id) {
        Group g = t.groups.get(id);
        if (g == null) {
            return List.of();
        }
        ArrayList<Group> path = new ArrayList<>();
        path.add(g);
        while (g.parentId().isPresent()) {
            g = t.group(g.parentId().get());
            path.add(g);
        }
        java.util.Collections.reverse(path);
        return List.copyOf(path);
    }

    private void appendAudit(Tenant t, AuditEvent event) {
        if (!event.organizationId().equals(t.organization.id())) {
            throw new InvalidInputException("audit", "event belongs to another organization");
        }
        t.audit.add(new AuditRecord(auditSequence.incrementAndGet(), event));
    }

    private static <T> Page<T> page(Stream<T> items, Function<T, Instant> at, Function<T, String> id, PageRequest request) {
        Comparator<T> order = Comparator.comparing(at).thenComparing(id);
        Stream<T> sorted = items.sorted(order);
        if (request.after().isPresent()) {
            Cursors.Position after = Cursors.parse(request.after().get());
            sorted = sorted.filter(item -> Cursors.Position.ORDER.compare(new Cursors.Position(at.apply(item), id.apply(item)), after) > 0);
        }
        List<T> taken = sorted.limit(request.limit() + 1L).toList();
        if (taken.size() > request.limit()) {
            List<T> items2 = taken.subList(0, request.limit());
            T last = items2.get(items2.size() - 1);
            return new Page<>(items2, Optional.of(Cursors.of(at.apply(last), id.apply(last))));
        }
        return new Page<>(taken, Optional.empty());
    }

    private final class Organizations implements OrganizationStore {
        @Override
        public void create(OrganizationSetup setup) {
            Organization org = setup.organization();
            synchronized (orgsByNameKey) {
                if (orgsByNameKey.containsKey(org.nameKey())) {
                    throw new DuplicateNameException("organization", org.name());
                }
                if (tenants.containsKey(org.id())) {
                    throw new ConflictException("organization id already exists: " + org.id());
                }
                Tenant t = new Tenant(org);
                synchronized (t) {
                    Group root = setup.rootGroup().withVersion(0);
                    t.groups.put(root.id(), root);
                    t.children.put(root.id(), new TreeMap<>());
                    t.keys.put(setup.defaultKey().id(), setup.defaultKey().withVersion(0));
                    for (AuditEvent e : setup.audit()) {
                        appendAudit(t, e);
                    }
                }
                orgsByNameKey.put(org.nameKey(), org.id());
                tenants.put(org.id(), t);
            }
        }

        @Override
        public Optional<Organization> find(OrganizationId id) {
            return tenant(id).map(t -> t.organization);
        }

        @Override
        public Optional<Organization> findByName(String name) {
            String key;
            try {
                key = com.heartbeatrm.core.internal.TextRules.foldCase(Organization.checkName(name));
            } catch (InvalidInputException e) {
                return Optional.empty();
            }
            synchronized (orgsByNameKey) {
                return Optional.ofNullable(orgsByNameKey.get(key)).flatMap(this::find);
            }
        }

        @Override
        public Page<Organization> list(PageRequest request) {
            return page(tenants.values().stream().map(t -> t.organization), Organization::createdAt,
                    o -> o.id().value(), request);
        }
    }

    private final class Groups implements GroupStore {
        @Override
        public void insert(Group group, AuditEvent audit) {
            write(group.organizationId(), t -> {
                GroupId parent = group.parentId().orElseThrow(() -> new InvalidInputException("parentId", "a new group needs a parent"));
                t.group(parent);
                requireNew(t.groups, group.id(), "group id");
                NavigableMap<String, GroupId> siblings = t.childrenOf(parent);
                if (siblings.containsKey(group.nameKey())) {
                    throw new DuplicateNameException("group", group.name());
                }
                Group stored = group.withVersion(0);
                t.groups.put(stored.id(), stored);
                t.children.put(stored.id(), new TreeMap<>());
                siblings.put(stored.nameKey(), stored.id());
                appendAudit(t, audit);
                return null;
            });
        }

        @Override
        public Group update(Group changed, long expectedVersion, AuditEvent audit) {
            return write(changed.organizationId(), t -> {
                Group current = t.group(changed.id());
                StaleVersionException.check("group", current.id().value(), expectedVersion, current.version());
                if (!current.nameKey().equals(changed.nameKey()) && current.parentId().isPresent()) {
                    NavigableMap<String, GroupId> siblings = t.childrenOf(current.parentId().get());
                    if (siblings.containsKey(changed.nameKey())) {
                        throw new DuplicateNameException("group", changed.name());
                    }
                    siblings.remove(current.nameKey());
                    siblings.put(changed.nameKey(), current.id());
                }
                Group stored = current.withName(changed.name()).withSettings(changed.settings()).withVersion(current.version() + 1);
                t.groups.put(stored.id(), stored);
                appendAudit(t, audit);
                return stored;
            });
        }

        @Override
        public Group move(OrganizationId org, GroupId id, GroupId newParent, long expectedVersion, AuditEvent audit) {
            return write(org, t -> {
                Group current = t.group(id);
                Group parent = t.group(newParent);
                StaleVersionException.check("group", id.value(), expectedVersion, current.version());
                if (current.isRoot()) {
                    throw new InvalidMoveException("the root group cannot be moved");
                }
                for (Group a = parent; ; a = t.group(a.parentId().get())) {
                    if (a.id().equals(id)) {
                        throw new InvalidMoveException("cannot move group \"" + current.name() + "\" under itself or its own descendant \"" + parent.name() + "\"");
                    }
                    if (a.isRoot()) {
                        break;
                    }
                }
                NavigableMap<String, GroupId> target = t.childrenOf(newParent);
                GroupId clash = target.get(current.nameKey());
                if (clash != null && !clash.equals(id)) {
                    throw new DuplicateNameException("group", current.name());
                }
                t.childrenOf(current.parentId().get()).remove(current.nameKey());
                target.put(current.nameKey(), id);
                Group stored = current.withParent(newParent).withVersion(current.version() + 1);
                t.groups.put(id, stored);
                appendAudit(t, audit);
                return stored;
            });
        }

        @Override
        public void delete(OrganizationId org, GroupId id, long expectedVersion, AuditEvent audit) {
            write(org, t -> {
                Group current = t.group(id);
                StaleVersionException.check("group", id.value(), expectedVersion, current.version());
                if (current.isRoot()) {
                    throw new ConflictException("the root group cannot be deleted");
                }
                NavigableMap<String, GroupId> kids = t.childrenOf(id);
                long agentCount = t.agents.values().stream().filter(a -> a.groupId().equals(id)).count();
                List<String> keyIds = t.keys.values().stream().filter(k -> k.groupId().equals(id))
                        .map(k -> k.id().value()).sorted().toList();
                if (!kids.isEmpty() || agentCount > 0 || !keyIds.isEmpty()) {
                    List<String> childNames = kids.values().stream().limit(10).map(c -> t.group(c).name()).toList();
                    throw GroupNotEmptyException.of(id, kids.size(), childNames, agentCount, keyIds.size(),
                            keyIds.subList(0, Math.min(10, keyIds.size())));
                }
                t.childrenOf(current.parentId().get()).remove(current.nameKey());
                t.children.remove(id);
                t.groups.remove(id);
                appendAudit(t, audit);
                return null;
            });
        }

        @Override
        public Optional<Group> find(OrganizationId org, GroupId id) {
            return read(org, Optional.empty(), t -> Optional.ofNullable(t.groups.get(id)));
        }

        @Override
        public List<Group> pathFromRoot(OrganizationId org, GroupId id) {
            return read(org, List.of(), t -> InMemoryHeartbeatStore.pathFromRoot(t, id));
        }

        @Override
        public List<Group> children(OrganizationId org, GroupId parent) {
            return read(org, List.of(), t -> {
                TreeMap<String, GroupId> kids = t.children.get(parent);
                return kids == null ? List.of() : kids.values().stream().map(t.groups::get).toList();
            });
        }

        @Override
        public Optional<Group> findChild(OrganizationId org, GroupId parent, String name) {
            String key;
            try {
                key = com.heartbeatrm.core.internal.TextRules.foldCase(Group.checkName(name));
            } catch (InvalidInputException e) {
                return Optional.empty();
            }
            return read(org, Optional.empty(), t -> {
                TreeMap<String, GroupId> kids = t.children.get(parent);
                return kids == null ? Optional.empty() : Optional.ofNullable(kids.get(key)).map(t.groups::get);
            });
        }

        @Override
        public List<Group> subtree(OrganizationId org, GroupId root) {
            return read(org, List.of(), t -> {
                if (!t.groups.containsKey(root)) {
                    return List.of();
                }
                List<Group> out = new ArrayList<>();
                java.util.ArrayDeque<GroupId> stack = new java.util.ArrayDeque<>();
                stack.push(root);
                while (!stack.isEmpty()) {
                    GroupId g = stack.pop();
                    out.add(t.group(g));
                    List<GroupId> kids = new ArrayList<>(t.childrenOf(g).values());
                    for (int i = kids.size() - 1; i >= 0; i--) {
                        stack.push(kids.get(i));
                    }
                }
                return List.copyOf(out);
            });
        }
    }

    private final class Keys implements AccessKeyStore {
        @Override
        public void insert(AccessKey key, AuditEvent audit) {
            write(key.organizationId(), t -> {
                t.group(key.groupId());
                requireNew(t.keys, key.id(), "access key id");
                t.keys.put(key.id(), key.withVersion(0));
                appendAudit(t, audit);
                return null;
            });
        }

        @Override
        public AccessKey update(AccessKey changed, long expectedVersion, AuditEvent audit) {
            return write(changed.organizationId(), t -> {
                AccessKey current = existing(t.keys, changed.id(), "access key", changed.id().value());
                StaleVersionException.check("access key", current.id().value(), expectedVersion, current.version());
                t.group(changed.groupId());
                AccessKey stored = current.withName(changed.name()).withGroup(changed.groupId())
                        .withDisabled(changed.disabled()).withVersion(current.version() + 1);
                t.keys.put(stored.id(), stored);
                appendAudit(t, audit);
                return stored;
            });
        }

        @Override
        public void delete(OrganizationId org, AccessKeyId id, long expectedVersion, AuditEvent audit) {
            write(org, t -> {
                AccessKey current = existing(t.keys, id, "access key", id.value());
                StaleVersionException.check("access key", id.value(), expectedVersion, current.version());
                t.keys.remove(id);
                appendAudit(t, audit);
                return null;
            });
        }

        @Override
        public Optional<AccessKey> find(OrganizationId org, AccessKeyId id) {
            return read(org, Optional.empty(), t -> Optional.ofNullable(t.keys.get(id)));
        }

        @Override
        public Page<AccessKey> list(OrganizationId org, PageRequest request) {
            return read(org, new Page<>(List.of(), Optional.empty()),
                    t -> page(t.keys.values().stream(), AccessKey::createdAt, k -> k.id().value(), request));
        }

        @Override
        public List<AccessKey> listByGroup(OrganizationId org, GroupId group) {
            return read(org, List.of(), t -> t.keys.values().stream().filter(k -> k.groupId().equals(group))
                    .sorted(Comparator.comparing(AccessKey::createdAt).thenComparing(k -> k.id().value())).toList());
        }
    }

    private final class Agents implements AgentStore {
        private EnrollmentFacts facts(Tenant t, EnrollmentAttempt a) {
            AccessKey key = t.keys.get(a.key());
            AgentId existing = t.agentsByFingerprint.get(a.agentFingerprint());
            return new EnrollmentFacts(Optional.of(t.organization), Optional.ofNullable(t.installers.get(a.installer())), signingKeys.find(a.signingKeyId()).isPresent(),
                    Optional.ofNullable(key), key == null ? List.of() : InMemoryHeartbeatStore.pathFromRoot(t, key.groupId()),
                    Optional.ofNullable(existing).map(t.agents::get), a.throttleBucket().flatMap(b -> throttles.blockedUntil(b, a.now())),
                    nonceSeen(t, a.nonceKey(), a.now()), signingKeys.active().map(StoredSigningKey::keyId));
        }

        @Override
        public EnrollmentFacts enrollmentFacts(EnrollmentAttempt attempt) {
            Tenant t = tenants.get(attempt.organization());
            if (t == null) {
                return new EnrollmentFacts(Optional.empty(), Optional.empty(), signingKeys.find(attempt.signingKeyId()).isPresent(), Optional.empty(), List.of(),
                        Optional.empty(), attempt.throttleBucket().flatMap(b -> throttles.blockedUntil(b, attempt.now())), false,
                        signingKeys.active().map(StoredSigningKey::keyId));
            }
            synchronized (t) {
                return facts(t, attempt);
            }
        }

        @Override
        public EnrollmentCommit enroll(EnrollmentAttempt attempt, EnrollmentJudge judge) {
            Tenant t = tenants.get(attempt.organization());
            if (t == null) {
                // An organization that does not exist: the judge sees nothing and must reject.
                EnrollmentVerdict v = judge.judge(enrollmentFacts(attempt));
                if (!(v instanceof EnrollmentVerdict.Reject)) {
                    throw new NotFoundException("organization", attempt.organization().value());
                }
                return new EnrollmentCommit.Rejected();
            }
            synchronized (t) {
                EnrollmentFacts facts = facts(t, attempt);
                EnrollmentVerdict v = judge.judge(facts);
                if (v instanceof EnrollmentVerdict.Reject) {
                    return new EnrollmentCommit.Rejected();
                }
                if (facts.nonceSeen()) {
                    return new EnrollmentCommit.Refused(EnrollmentCommit.Reason.REPLAYED);
                }
                if (v instanceof EnrollmentVerdict.Existing e) {
                    rememberNonce(t, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now());
                    return new EnrollmentCommit.AlreadyEnrolled(e.agent());
                }
                if (v instanceof EnrollmentVerdict.Lock lock) {
                    Agent current = t.agents.get(lock.agent().id());
                    if (current == null) {
                        throw new NotFoundException("agent", lock.agent().id().value());
                    }
                    StaleVersionException.check("agent", current.id().value(), lock.agent().version(), current.version());
                    Agent stored = lock.locked();
                    t.agents.put(stored.id(), stored);
                    rememberNonce(t, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now());
                    appendAudit(t, lock.audit());
                    return new EnrollmentCommit.Locked(stored);
                }
                EnrollmentVerdict.Admit admit = (EnrollmentVerdict.Admit) v;
                Agent agent = admit.agent();
                checkAdmission(attempt, agent);
                InstallerRecord installer = t.installers.get(attempt.installer());
                if (installer != null && installer.isExhausted()) {
                    return new EnrollmentCommit.Refused(EnrollmentCommit.Reason.INSTALLER_EXHAUSTED);
                }
                AccessKey key = t.keys.get(attempt.key());
                if (key == null) {
                    return new EnrollmentCommit.Refused(EnrollmentCommit.Reason.KEY_NOT_FOUND);
                }
                AccessKeyStatus status = key.status(attempt.now());
                if (status != AccessKeyStatus.ENABLED) {
                    return new EnrollmentCommit.Refused(switch (status) {
                        case DISABLED -> EnrollmentCommit.Reason.KEY_DISABLED;
                        case EXPIRED -> EnrollmentCommit.Reason.KEY_EXPIRED;
                        default -> EnrollmentCommit.Reason.KEY_EXHAUSTED;
                    });
                }
                if (!key.groupId().equals(agent.groupId())) {
                    return new EnrollmentCommit.Refused(EnrollmentCommit.Reason.KEY_CHANGED);
                }
                AgentId existing = t.agentsByFingerprint.get(agent.publicKeyFingerprint());
                if (existing != null) {
                    return new EnrollmentCommit.AlreadyEnrolled(existing(t.agents, existing, "agent", existing.value()));
                }
                requireNew(t.agents, agent.id(), "agent id");
                t.group(agent.groupId());
                Agent stored = agent.withVersion(0);
                t.keys.put(key.id(), key.withUse(attempt.now(), agent.id()));
                if (installer != null && installer.maxUses().isPresent()) {
                    t.installers.put(installer.id(), installer.withUseCount(installer.useCount() + 1));
                }
                t.agents.put(stored.id(), stored);
                t.agentsByFingerprint.put(stored.publicKeyFingerprint(), stored.id());
                rememberNonce(t, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now());
                appendAudit(t, admit.audit());
                return new EnrollmentCommit.Enrolled(stored);
            }
        }

        private RenewalFacts renewalFacts(Tenant t, RenewalAttempt a) {
            Agent agent = t.agents.get(a.agent());
            return new RenewalFacts(Optional.of(t.organization), Optional.ofNullable(agent), agent == null ? List.of() : InMemoryHeartbeatStore.pathFromRoot(t, agent.groupId()),
                    Optional.ofNullable(t.renewalNonces.get(a.agent())),
                    a.credentialSigningKeyId().flatMap(signingKeys::find).isPresent(), a.throttleBucket().flatMap(b -> throttles.blockedUntil(b, a.now())),
                    nonceSeen(t, a.nonceKey(), a.now()), signingKeys.active().map(StoredSigningKey::keyId));
        }

        @Override
        public RenewalCommit renew(RenewalAttempt attempt, RenewalJudge judge) {
            Tenant t = tenants.get(attempt.organization());
            if (t == null) {
                RenewalVerdict v = judge.judge(new RenewalFacts(Optional.empty(), Optional.empty(), List.of(), Optional.empty(), false,
                        attempt.throttleBucket().flatMap(b -> throttles.blockedUntil(b, attempt.now())), false,
                        signingKeys.active().map(StoredSigningKey::keyId)));
                if (!(v instanceof RenewalVerdict.Reject)) {
                    throw new NotFoundException("organization", attempt.organization().value());
                }
                return new RenewalCommit.Rejected();
            }
            synchronized (t) {
                RenewalFacts facts = renewalFacts(t, attempt);
                RenewalVerdict v = judge.judge(facts);
                if (v instanceof RenewalVerdict.Reject) {
                    return new RenewalCommit.Rejected();
                }
                Agent agent = facts.agent().orElseThrow(() -> new InvalidInputException("verdict", "only a rejection fits a missing agent"));
                if (v instanceof RenewalVerdict.Retry) {
                    Agent stored = v.applyTo(agent, attempt.now());
                    t.agents.put(stored.id(), stored);
                    return new RenewalCommit.Applied(stored);
                }
                if (facts.nonceSeen()) {
                    return new RenewalCommit.Replayed();
                }
                Agent stored = v.applyTo(agent, attempt.now());
                if (v instanceof RenewalVerdict.Renew) {
                    t.renewalNonces.put(agent.id(), attempt.nonce());
                } else if (v instanceof RenewalVerdict.Change c) {
                    appendAudit(t, c.audit());
                }
                rememberNonce(t, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now());
                t.agents.put(stored.id(), stored);
                return new RenewalCommit.Applied(stored);
            }
        }

        @Override
        public Optional<Agent> find(OrganizationId org, AgentId id) {
            return read(org, Optional.empty(), t -> Optional.ofNullable(t.agents.get(id)));
        }

        @Override
        public Optional<Agent> findByPublicKeyFingerprint(OrganizationId org, String fingerprint) {
            return read(org, Optional.empty(), t -> Optional.ofNullable(t.agentsByFingerprint.get(fingerprint)).map(t.agents::get));
        }

        @Override
        public Page<Agent> listByGroup(OrganizationId org, GroupId group, PageRequest request) {
            return read(org, new Page<>(List.of(), Optional.empty()), t -> page(
                    t.agents.values().stream().filter(a -> a.groupId().equals(group)), Agent::enrolledAt, a -> a.id().value(), request));
        }

        @Override
        public Page<Agent> listByKey(OrganizationId org, AccessKeyId key, PageRequest request) {
            return read(org, new Page<>(List.of(), Optional.empty()), t -> page(
                    t.agents.values().stream().filter(a -> a.accessKeyId().equals(key)), Agent::enrolledAt, a -> a.id().value(), request));
        }

        @Override
        public Page<Agent> listByStatus(OrganizationId org, com.heartbeatrm.core.AgentStatus status, PageRequest request) {
            return read(org, new Page<>(List.of(), Optional.empty()), t -> page(
                    t.agents.values().stream().filter(a -> a.status() == status), Agent::enrolledAt, a -> a.id().value(), request));
        }

        @Override
        public Page<Agent> listByInstaller(OrganizationId org, InstallerId installerId, PageRequest request) {
            Optional<InstallerId> wanted = Optional.of(installerId);
            return read(org, new Page<>(List.of(), Optional.empty()), t -> page(
                    t.agents.values().stream().filter(a -> a.installerId().equals(wanted)), Agent::enrolledAt, a -> a.id().value(), request));
        }

        @Override
        public Agent update(Agent changed, long expectedVersion, AuditEvent audit) {
            return write(changed.organizationId(), t -> {
                Agent current = existing(t.agents, changed.id(), "agent", changed.id().value());
                StaleVersionException.check("agent", current.id().value(), expectedVersion, current.version());
                t.group(changed.groupId());
                Agent stored = current.withStatus(changed.status()).withGroup(changed.groupId()).withVersion(current.version() + 1);
                t.agents.put(stored.id(), stored);
                appendAudit(t, audit);
                return stored;
            });
        }

        @Override
        public void delete(OrganizationId org, AgentId id, long expectedVersion, AuditEvent audit) {
            write(org, t -> {
                Agent current = existing(t.agents, id, "agent", id.value());
                StaleVersionException.check("agent", id.value(), expectedVersion, current.version());
                t.agents.remove(id);
                t.agentsByFingerprint.remove(current.publicKeyFingerprint());
                t.renewalNonces.remove(id);
                appendAudit(t, audit);
                return null;
            });
        }
    }

    private final class Audit implements AuditStore {
        @Override
        public AuditRecord append(AuditEvent event) {
            return write(event.organizationId(), t -> {
                appendAudit(t, event);
                return t.audit.get(t.audit.size() - 1);
            });
        }

        @Override
        public Page<AuditRecord> query(AuditQuery query) {
            return read(query.organizationId(), new Page<>(List.of(), Optional.empty()), t -> {
                long after = query.page().after().map(Cursors::parseSequence).orElse(0L);
                List<AuditRecord> taken = t.audit.stream().filter(r -> r.sequence() > after && query.matches(r.event()))
                        .limit(query.page().limit() + 1L).toList();
                if (taken.size() > query.page().limit()) {
                    List<AuditRecord> items = taken.subList(0, query.page().limit());
                    return new Page<>(items, Optional.of(Cursors.ofSequence(items.get(items.size() - 1).sequence())));
                }
                return new Page<>(taken, Optional.empty());
            });
        }
    }

    private final class Installers implements InstallerStore {
        @Override
        public void insert(InstallerRecord record, AuditEvent audit) {
            write(record.organizationId(), t -> {
                if (!t.keys.containsKey(record.accessKeyId())) {
                    throw new NotFoundException("access key", record.accessKeyId().value());
                }
                requireNew(t.installers, record.id(), "installer id");
                t.installers.put(record.id(), record.withVersion(0));
                appendAudit(t, audit);
                return null;
            });
        }

        @Override
        public InstallerRecord update(InstallerRecord changed, long expectedVersion, AuditEvent audit) {
            return write(changed.organizationId(), t -> {
                InstallerRecord current = existing(t.installers, changed.id(), "installer", changed.id().value());
                StaleVersionException.check("installer", current.id().value(), expectedVersion, current.version());
                InstallerRecord stored = new InstallerRecord(current.id(), current.organizationId(), current.accessKeyId(),
                        current.signingKeyId(), current.issuedAt(), current.issuedBy(), current.expiresAt(), current.platform(),
                        changed.format(), changed.base(), changed.output(), changed.revoked(), current.maxUses(), current.useCount(),
                        current.version() + 1);
                t.installers.put(stored.id(), stored);
                appendAudit(t, audit);
                return stored;
            });
        }

        @Override
        public Optional<InstallerRecord> find(OrganizationId org, InstallerId id) {
            return read(org, Optional.empty(), t -> Optional.ofNullable(t.installers.get(id)));
        }

        @Override
        public Page<InstallerRecord> list(OrganizationId org, PageRequest request) {
            return read(org, new Page<>(List.of(), Optional.empty()),
                    t -> page(t.installers.values().stream(), InstallerRecord::issuedAt, r -> r.id().value(), request));
        }

        @Override
        public Page<InstallerRecord> listByKey(OrganizationId org, AccessKeyId key, PageRequest request) {
            return read(org, new Page<>(List.of(), Optional.empty()), t -> page(
                    t.installers.values().stream().filter(r -> r.accessKeyId().equals(key)), InstallerRecord::issuedAt,
                    r -> r.id().value(), request));
        }
    }

    private static final class SigningKeys implements SigningKeyStore {
        private final Map<String, StoredSigningKey> keys = new java.util.LinkedHashMap<>();

        @Override
        public synchronized void rotate(StoredSigningKey newKey, Optional<String> expectedActive, Instant at) {
            if (newKey.status() != StoredSigningKey.Status.ACTIVE) {
                throw new InvalidInputException("newKey", "must be ACTIVE");
            }
            Optional<StoredSigningKey> active = active();
            if (!active.map(StoredSigningKey::keyId).equals(expectedActive)) {
                throw new ConflictException("the active signing key changed concurrently");
            }
            if (keys.containsKey(newKey.keyId())) {
                throw new ConflictException("signing key already exists: " + newKey.keyId());
            }
            active.ifPresent(a -> keys.put(a.keyId(), a.retired(at)));
            keys.put(newKey.keyId(), newKey);
        }

        @Override
        public synchronized Optional<StoredSigningKey> find(String keyId) {
            return Optional.ofNullable(keys.get(keyId));
        }

        @Override
        public synchronized Optional<StoredSigningKey> active() {
            return keys.values().stream().filter(k -> k.status() == StoredSigningKey.Status.ACTIVE).findFirst();
        }

        @Override
        public synchronized List<StoredSigningKey> list() {
            return keys.values().stream().sorted(Comparator.comparing(StoredSigningKey::createdAt)
                    .thenComparing(StoredSigningKey::keyId)).toList();
        }

        @Override
        public synchronized void remove(String keyId) {
            StoredSigningKey k = keys.get(keyId);
            if (k == null) {
                throw new NotFoundException("signing key", keyId);
            }
            if (k.status() == StoredSigningKey.Status.ACTIVE) {
                throw new ConflictException("the active signing key cannot be removed; rotate first");
            }
            keys.remove(keyId);
        }
    }

    private static final class Throttles {
        private static final class Bucket {
            @Nullable Instant windowStart;
            int failures;
            @Nullable Instant blockedUntil;
        }

        private final TreeMap<String, Bucket> buckets = new TreeMap<>();

        synchronized ThrottleStore.Failure recordFailure(String bucket, Instant now, java.time.Duration window, int threshold,
                java.time.Duration backoff) {
            checkBucket(bucket);
            Bucket b = buckets.computeIfAbsent(bucket, k -> new Bucket());
            boolean wasBlocked = b.blockedUntil != null && b.blockedUntil.isAfter(now);
            if (b.windowStart == null || !now.isBefore(b.windowStart.plus(window))) {
                b.windowStart = now;
                b.failures = 0;
            }
            b.failures++;
            if (b.failures >= threshold) {
                b.blockedUntil = now.plus(backoff);
                b.windowStart = null;
                b.failures = 0;
            }
            Optional<Instant> blockedUntil = Optional.ofNullable(b.blockedUntil).filter(until -> until.isAfter(now));
            return new ThrottleStore.Failure(blockedUntil, blockedUntil.isPresent() && !wasBlocked);
        }

        synchronized Optional<Instant> blockedUntil(String bucket, Instant now) {
            Bucket b = buckets.get(bucket);
            return b != null && b.blockedUntil != null && b.blockedUntil.isAfter(now) ? Optional.of(b.blockedUntil) : Optional.empty();
        }

        synchronized List<ThrottleStore.Block> blocked(String prefix, Instant now) {
            List<ThrottleStore.Block> out = new ArrayList<>();
            for (Map.Entry<String, Bucket> e : buckets.tailMap(prefix, true).entrySet()) {
                if (!e.getKey().startsWith(prefix)) {
                    break;
                }
                Instant until = e.getValue().blockedUntil;
                if (until != null && until.isAfter(now)) {
                    out.add(new ThrottleStore.Block(e.getKey(), until));
                }
            }
            return List.copyOf(out);
        }

        synchronized int clear(String prefix) {
            int n = 0;
            var it = buckets.tailMap(prefix, true).entrySet().iterator();
            while (it.hasNext()) {
                if (!it.next().getKey().startsWith(prefix)) {
                    break;
                }
                it.remove();
                n++;
            }
            return n;
        }

        synchronized int purge(Instant now, java.time.Duration window) {
            int before = buckets.size();
            Instant windowsFrom = now.minus(window);
            buckets.values().removeIf(b -> (b.blockedUntil == null || !b.blockedUntil.isAfter(now))
                    && (b.windowStart == null || !b.windowStart.isAfter(windowsFrom)));
            return before - buckets.size();
        }

        private static void checkBucket(String bucket) {
            if (bucket == null || bucket.isEmpty() || bucket.length() > ThrottleStore.MAX_BUCKET_LENGTH || !bucket.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new InvalidInputException("bucket", "1 to " + ThrottleStore.MAX_BUCKET_LENGTH + " printable ASCII characters");
            }
        }
    }

    private static void checkAdmission(EnrollmentAttempt attempt, Agent agent) {
        if (!agent.organizationId().equals(attempt.organization()) || !agent.accessKeyId().equals(attempt.key())
                || !agent.publicKeyFingerprint().equals(attempt.agentFingerprint())
                || !agent.installerId().equals(Optional.of(attempt.installer()))) {
            throw new InvalidInputException("agent", "must name the attempt's organization, key, installer and agent key");
        }
    }
}
