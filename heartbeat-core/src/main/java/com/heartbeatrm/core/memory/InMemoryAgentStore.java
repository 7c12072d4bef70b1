package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.spi.AgentStore;
import com.heartbeatrm.core.spi.Committed;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.core.spi.Judged;
import com.heartbeatrm.core.spi.RenewalAttempt;
import com.heartbeatrm.core.spi.RenewalCommit;
import com.heartbeatrm.core.spi.RenewalFacts;
import com.heartbeatrm.core.spi.RenewalVerdict;
import com.heartbeatrm.core.spi.StoredSigningKey;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/** Each tenant's agents, and the enrollment and renewal steps: judge and commit under the tenant's monitor. */
final class InMemoryAgentStore extends OverTenantState implements AgentStore {
    private final InMemorySigningKeyStore signingKeys;
    private final InMemoryThrottleStore throttles;

    InMemoryAgentStore(TenantState state, InMemorySigningKeyStore signingKeys, InMemoryThrottleStore throttles) {
        super(state);
        this.signingKeys = signingKeys;
        this.throttles = throttles;
    }

    private EnrollmentFacts facts(Tenant t, EnrollmentAttempt a) {
        AccessKey key = t.keys.get(a.key());
        AgentId existing = t.agentsByFingerprint.get(a.agentFingerprint());
        return new EnrollmentFacts(Optional.of(t.organization), Optional.ofNullable(t.installers.get(a.installer())), signingKeys.find(a.signingKeyId()).isPresent(),
                Optional.ofNullable(key), key == null ? List.of() : TenantState.pathFromRoot(t, key.groupId()),
                Optional.ofNullable(existing).map(t.agents::get), a.throttleBucket().flatMap(b -> throttles.blockedUntil(b, a.now())),
                TenantState.nonceSeen(t, a.nonceKey(), a.now()), signingKeys.active().map(StoredSigningKey::keyId),
                a.machineFingerprint().map(m -> sameMachine(t, m)).orElse(List.of()));
    }

    private static List<Agent> sameMachine(Tenant t, String machineFingerprint) {
        return t.agents.values().stream().filter(x -> x.status() != AgentStatus.DISABLED && x.machineFingerprint().filter(machineFingerprint::equals).isPresent())
                .sorted(Comparator.comparing(Agent::enrolledAt).thenComparing(x -> x.id().value())).limit(MAX_SAME_MACHINE).toList();
    }

    @Override
    public List<Agent> findByMachineFingerprint(OrganizationId org, String machineFingerprint) {
        return state.read(org, List.of(), t -> sameMachine(t, machineFingerprint));
    }

    @Override
    public EnrollmentFacts enrollmentFacts(EnrollmentAttempt attempt) {
        Tenant t = state.tenants.get(attempt.organization());
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
    public <R extends Judged<EnrollmentVerdict>> Committed<EnrollmentCommit, R> judgeAndEnroll(EnrollmentAttempt attempt,
            Function<EnrollmentFacts, R> judge) {
        return judgeAndCommit(attempt.organization(), judge, () -> enrollmentFacts(attempt), EnrollmentVerdict.Deny.class,
                new EnrollmentCommit.Denied(), t -> facts(t, attempt), (t, facts, v) -> commit(t, attempt, facts, v));
    }

    /** Stores what a verdict decides on the facts it was judged on, inside the tenant's monitor. */
    private interface Commit<F, V, C> {
        C store(Tenant t, F facts, V verdict);
    }

    /**
     * Enrollment and renewal alike: the judge decides on facts read inside the tenant's monitor, and what it decides is
     * stored before the monitor is left. An organization that does not exist has no tenant: its judge sees no
     * organization and must deny ({@code deny}), and nothing is stored.
     */
    private <F, V, C, R extends Judged<V>> Committed<C, R> judgeAndCommit(OrganizationId org, Function<F, R> judge,
            Supplier<F> factsWithoutTenant, Class<? extends V> deny, C denied, Function<Tenant, F> facts, Commit<F, V, C> commit) {
        Tenant t = state.tenants.get(org);
        if (t == null) {
            R judged = judge.apply(factsWithoutTenant.get());
            if (!deny.isInstance(judged.verdict())) {
                throw new NotFoundException("organization", org.value());
            }
            return new Committed<>(denied, judged);
        }
        synchronized (t) {
            F read = facts.apply(t);
            R judged = judge.apply(read);
            return new Committed<>(commit.store(t, read, judged.verdict()), judged);
        }
    }

    /** Stores what {@code v} decides on {@code facts}, inside the tenant's monitor. */
    private EnrollmentCommit commit(Tenant t, EnrollmentAttempt attempt, EnrollmentFacts facts, EnrollmentVerdict v) {
        if (v instanceof EnrollmentVerdict.Deny) {
            return new EnrollmentCommit.Denied();
        }
        if (facts.nonceSeen()) {
            return new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.REPLAYED);
        }
        if (v instanceof EnrollmentVerdict.Existing e) {
            TenantState.rememberNonce(t, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now());
            return new EnrollmentCommit.AlreadyEnrolled(e.agent());
        }
        if (v instanceof EnrollmentVerdict.Lock lock) {
            VersionedTable.AGENTS.current(t, lock.agent().id(), lock.agent().version());
            Agent stored = lock.locked();
            t.agents.put(stored.id(), stored);
            TenantState.rememberNonce(t, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now());
            state.appendAudit(t, lock.audit());
            return new EnrollmentCommit.Locked(stored);
        }
        EnrollmentVerdict.Admit admit = (EnrollmentVerdict.Admit) v;
        Agent agent = admit.agent();
        checkAdmission(attempt, agent);
        InstallerRecord installer = t.installers.get(attempt.installer());
        if (installer != null && installer.isExhausted()) {
            return new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.INSTALLER_EXHAUSTED);
        }
        AccessKey key = t.keys.get(attempt.key());
        if (key == null) {
            return new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_NOT_FOUND);
        }
        AccessKeyStatus status = key.status(attempt.now());
        if (status != AccessKeyStatus.ENABLED) {
            return new EnrollmentCommit.DeniedAtCommit(switch (status) {
                case DISABLED -> EnrollmentCommit.Reason.KEY_DISABLED;
                case EXPIRED -> EnrollmentCommit.Reason.KEY_EXPIRED;
                default -> EnrollmentCommit.Reason.KEY_EXHAUSTED;
            });
        }
        if (!key.groupId().equals(agent.groupId())) {
            return new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_CHANGED);
        }
        AgentId existing = t.agentsByFingerprint.get(agent.publicKeyFingerprint());
        if (existing != null) {
            return new EnrollmentCommit.AlreadyEnrolled(TenantState.existing(t.agents, existing, "agent", existing.value()));
        }
        TenantState.requireNew(t.agents, agent.id(), "agent id");
        t.group(agent.groupId());
        Agent stored = agent.withVersion(0);
        t.keys.put(key.id(), key.withUse(attempt.now(), agent.id()));
        if (installer != null && installer.maxUses().isPresent()) {
            t.installers.put(installer.id(), installer.withUseCount(installer.useCount() + 1));
        }
        t.agents.put(stored.id(), stored);
        t.agentsByFingerprint.put(stored.publicKeyFingerprint(), stored.id());
        TenantState.rememberNonce(t, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now());
        state.appendAudit(t, admit.audit());
        return new EnrollmentCommit.Enrolled(stored);
    }

    private RenewalFacts renewalFacts(Tenant t, RenewalAttempt a) {
        Agent agent = t.agents.get(a.agent());
        return new RenewalFacts(Optional.of(t.organization), Optional.ofNullable(agent), agent == null ? List.of() : TenantState.pathFromRoot(t, agent.groupId()),
                Optional.ofNullable(t.renewalNonces.get(a.agent())),
                a.credentialSigningKeyId().flatMap(signingKeys::find).isPresent(), a.throttleBucket().flatMap(b -> throttles.blockedUntil(b, a.now())),
                TenantState.nonceSeen(t, a.nonceKey(), a.now()), signingKeys.active().map(StoredSigningKey::keyId));
    }

    @Override
    public <R extends Judged<RenewalVerdict>> Committed<RenewalCommit, R> judgeAndRenew(RenewalAttempt attempt, Function<RenewalFacts, R> judge) {
        return judgeAndCommit(attempt.organization(), judge, () -> new RenewalFacts(Optional.empty(), Optional.empty(), List.of(),
                        Optional.empty(), false, attempt.throttleBucket().flatMap(b -> throttles.blockedUntil(b, attempt.now())), false,
                        signingKeys.active().map(StoredSigningKey::keyId)),
                RenewalVerdict.Deny.class, new RenewalCommit.Denied(), t -> renewalFacts(t, attempt), (t, facts, v) -> commit(t, attempt, facts, v));
    }

    /** Stores what {@code v} decides on {@code facts}, inside the tenant's monitor. */
    private RenewalCommit commit(Tenant t, RenewalAttempt attempt, RenewalFacts facts, RenewalVerdict v) {
        if (v instanceof RenewalVerdict.Deny) {
            return new RenewalCommit.Denied();
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
            state.appendAudit(t, c.audit());
        }
        TenantState.rememberNonce(t, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now());
        t.agents.put(stored.id(), stored);
        return new RenewalCommit.Applied(stored);
    }

    @Override
    public Optional<Agent> find(OrganizationId org, AgentId id) {
        return state.read(org, Optional.empty(), t -> Optional.ofNullable(t.agents.get(id)));
    }

    @Override
    public Optional<Agent> findByPublicKeyFingerprint(OrganizationId org, String fingerprint) {
        return state.read(org, Optional.empty(), t -> Optional.ofNullable(t.agentsByFingerprint.get(fingerprint)).map(t.agents::get));
    }

    @Override
    public Page<Agent> listByGroup(OrganizationId org, GroupId group, PageRequest request) {
        return state.read(org, new Page<>(List.of(), Optional.empty()), t -> TenantState.page(
                t.agents.values().stream().filter(a -> a.groupId().equals(group)), Agent::enrolledAt, a -> a.id().value(), request));
    }

    @Override
    public Page<Agent> listByKey(OrganizationId org, AccessKeyId key, PageRequest request) {
        return state.read(org, new Page<>(List.of(), Optional.empty()), t -> TenantState.page(
                t.agents.values().stream().filter(a -> a.accessKeyId().equals(key)), Agent::enrolledAt, a -> a.id().value(), request));
    }

    @Override
    public Page<Agent> listByStatus(OrganizationId org, com.heartbeatrm.core.AgentStatus status, PageRequest request) {
        return state.read(org, new Page<>(List.of(), Optional.empty()), t -> TenantState.page(
                t.agents.values().stream().filter(a -> a.status() == status), Agent::enrolledAt, a -> a.id().value(), request));
    }

    @Override
    public Page<Agent> listByInstaller(OrganizationId org, InstallerId installerId, PageRequest request) {
        Optional<InstallerId> wanted = Optional.of(installerId);
        return state.read(org, new Page<>(List.of(), Optional.empty()), t -> TenantState.page(
                t.agents.values().stream().filter(a -> a.installerId().equals(wanted)), Agent::enrolledAt, a -> a.id().value(), request));
    }

    @Override
    public Agent update(Agent changed, long expectedVersion, AuditEvent audit) {
        return state.update(changed.organizationId(), VersionedTable.AGENTS, changed.id(), expectedVersion, audit, (t, current) -> {
            t.group(changed.groupId());
            return current.withStatus(changed.status()).withGroup(changed.groupId()).withVersion(current.version() + 1);
        });
    }

    @Override
    public void delete(OrganizationId org, AgentId id, long expectedVersion, AuditEvent audit) {
        state.delete(org, VersionedTable.AGENTS, id, expectedVersion, audit, (t, gone) -> {
            t.agentsByFingerprint.remove(gone.publicKeyFingerprint());
            t.renewalNonces.remove(id);
        });
    }

    private static void checkAdmission(EnrollmentAttempt attempt, Agent agent) {
        if (!agent.organizationId().equals(attempt.organization()) || !agent.accessKeyId().equals(attempt.key())
                || !agent.publicKeyFingerprint().equals(attempt.agentFingerprint())
                || !agent.installerId().equals(Optional.of(attempt.installer()))) {
            throw new InvalidInputException("agent", "must name the attempt's organization, key, installer and agent key");
        }
    }

    @Override
    public Page<Agent> listSeenBefore(OrganizationId org, GroupId group, Instant before, PageRequest request) {
        return state.read(org, new Page<>(List.of(), Optional.empty()), t -> TenantState.page(t.agents.values().stream()
                .filter(a -> a.groupId().equals(group) && a.lastSeenAt().isBefore(before)), Agent::lastSeenAt, a -> a.id().value(), request));
    }

    @Override
    public boolean retire(OrganizationId org, AgentId id, long expectedVersion, Instant seenBefore, boolean remove, AuditEvent audit) {
        return state.read(org, false, t -> {
            Agent current = t.agents.get(id);
            if (current == null || current.version() != expectedVersion || !current.lastSeenAt().isBefore(seenBefore)) {
                return false;
            }
            if (remove) {
                t.agents.remove(id);
                t.agentsByFingerprint.remove(current.publicKeyFingerprint());
                t.renewalNonces.remove(id);
            } else {
                t.agents.put(id, current.withStatus(com.heartbeatrm.core.AgentStatus.DISABLED).withVersion(expectedVersion + 1));
            }
            state.appendAudit(t, audit);
            return true;
        });
    }
}
