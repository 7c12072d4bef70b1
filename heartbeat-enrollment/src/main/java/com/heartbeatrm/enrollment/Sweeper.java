package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentRetirement;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.EffectiveSettings;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.HeartbeatStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The retention sweeper: applies the stale and ephemeral agent rules of every group, deletes audit records past their
 * retention and removes the records of installers revoked or expired longer ago than the grace period.
 *
 * <p>Design. A sweep walks the organizations, and in each the groups whose rules are on, reading agents through the
 * store's last-seen index a page at a time, oldest first; {@link AgentRetirement#decide} judges each agent, and the
 * store's conditional {@code retire} applies the verdict with its audit record in one transaction, only if the agent is
 * still at the version and last-seen time judged. Every step is a short transaction of its own and idempotent, so
 * several nodes sweeping one database need no coordination: where two race, one store call matches and the other
 * matches nothing and writes nothing (counted as {@code lost}); a renewal racing a removal wins. Each agent retired
 * is audited on its own (AGENT_STATUS_CHANGED or AGENT_DELETED by {@code system}, naming the rule), as is each
 * installer record removed (INSTALLER_DELETED); audit deletion is not itself audited, or retention would never end.
 * A sweep reads or changes at most {@link RetentionPolicy#maxWorkPerRun()} rows and remembers where it stopped (per
 * organization page and per group), so the next sweep resumes there. Time comes from the injected clock.
 */
final class Sweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);
    private static final int ORG_PAGE = 100;

    private final HeartbeatStore store;
    private final RetentionPolicy policy;
    private final Clock clock;
    private final Object running = new Object();
    /** Where the last sweep stopped: the organization page, and per group its agent page. */
    private Optional<String> orgResume = Optional.empty();
    private final Map<GroupId, String> groupResume = new HashMap<>();
    /** Null unless {@link #start} began background sweeps (the policy may ask for none). */
    private volatile @Nullable ScheduledExecutorService background;
    /** The sweeper's thread, once the executor made it; null before. */
    private volatile @Nullable Thread worker;

    Sweeper(HeartbeatStore store, RetentionPolicy policy, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
    }

    /** Starts background sweeps when the policy asks for them; the first after a random part of one pause. */
    // The periodic task needs no handle: close() shuts the executor down, and runLogged logs its own failures.
    @SuppressWarnings("FutureReturnValueIgnored")
    void start() {
        policy.sweepEvery().ifPresent(every -> {
            ScheduledExecutorService s = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "heartbeat-retention-sweeper");
                t.setDaemon(true);
                worker = t;
                return t;
            });
            long pause = every.toMillis();
            // Nodes started together do not sweep in lockstep.
            long first = pause / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, pause / 2));
            s.scheduleWithFixedDelay(this::runLogged, first, pause, TimeUnit.MILLISECONDS);
            background = s;
        });
    }

    private void runLogged() {
        try {
            SweepReport r = run();
            LOG.debug("retention sweep: {}", r);
        } catch (RuntimeException e) {
            LOG.warn("retention sweep failed, will retry at the next one: {}", e.getClass().getSimpleName());
        }
    }

    /**
     * Stops background sweeps, waiting briefly for one under way and then for the sweeper's thread itself: an executor
     * counts as terminated a moment before its worker thread has ended.
     */
    @Override
    public void close() {
        ScheduledExecutorService s = background;
        if (s != null) {
            s.shutdownNow();
            try {
                if (s.awaitTermination(10, TimeUnit.SECONDS)) {
                    Thread t = worker;
                    if (t != null) {
                        t.join(TimeUnit.SECONDS.toMillis(10));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One sweep, now. One at a time per node. */
    SweepReport run() {
        synchronized (running) {
            Run r = new Run(clock.instant());
            PageRequest page = new PageRequest(ORG_PAGE, orgResume);
            while (true) {
                Page<Organization> orgs = store.organizations().list(page);
                for (Organization org : orgs.items()) {
                    if (r.exhausted()) {
                        orgResume = page.after();
                        return r.report(false);
                    }
                    sweep(r, org);
                }
                if (!orgs.hasNext()) {
                    break;
                }
                page = page.next(orgs);
            }
            orgResume = Optional.empty();
            return r.report(!r.exhausted());
        }
    }

    private void sweep(Run r, Organization org) {
        sweepAgents(r, org);
        policy.installerGrace().ifPresent(grace -> sweepInstallers(r, org, r.now.minus(grace)));
        policy.auditRetention().ifPresent(keep -> sweepAudit(r, org, r.now.minus(keep)));
    }

    private void sweepAgents(Run r, Organization org) {
        List<Group> groups = store.groups().subtree(org.id(), org.rootGroupId());
        boolean anyRule = groups.stream().anyMatch(g -> g.settings().override(SecuritySetting.STALE_AGENTS).isPresent()
                || g.settings().override(SecuritySetting.EPHEMERAL_AGENTS).isPresent());
        if (!anyRule) {
            return;
        }
        Map<GroupId, List<Group>> paths = new HashMap<>();
        for (Group g : groups) {
            List<Group> path = new ArrayList<>(g.parentId().map(paths::get).orElse(List.of()));
            path.add(g);
            paths.put(g.id(), path);
            EffectiveSettings settings = EffectiveSettings.resolve(path);
            Optional<Instant> horizon = AgentRetirement.horizon(settings, r.now);
            if (horizon.isPresent() && !r.exhausted()) {
                sweepGroup(r, g, settings, horizon.get());
            }
        }
    }

    private void sweepGroup(Run r, Group g, EffectiveSettings settings, Instant seenBefore) {
        PageRequest page = new PageRequest(policy.batchSize(), Optional.ofNullable(groupResume.remove(g.id())));
        while (true) {
            Page<Agent> agents = store.agents().listSeenBefore(g.organizationId(), g.id(), seenBefore, page);
            for (Agent a : agents.items()) {
                r.work++;
                AgentRetirement.decide(settings, a, r.now).ifPresent(verdict -> retire(r, a, verdict, settings));
            }
            if (!agents.hasNext()) {
                return;
            }
            page = page.next(agents);
            if (r.exhausted()) {
                page.after().ifPresent(c -> groupResume.put(g.id(), c));
                return;
            }
        }
    }

    private void retire(Run r, Agent a, AgentRetirement verdict, EffectiveSettings settings) {
        SecuritySetting<com.heartbeatrm.core.StaleAgentPolicy> rule = verdict.setting();
        Map<String, String> before = Map.of("status", a.status().name(), "lastSeenAt", a.lastSeenAt().toString());
        Map<String, String> after = verdict.removes()
                ? Map.of("rule", rule.name(), "setting", rule.format(settings.value(rule)))
                : Map.of("status", AgentStatus.DISABLED.name(), "rule", rule.name(), "setting", rule.format(settings.value(rule)));
        AuditEvent audit = AuditEvent.of(r.now, a.organizationId(), Actor.SYSTEM,
                verdict.removes() ? AuditAction.AGENT_DELETED : AuditAction.AGENT_STATUS_CHANGED, Subject.of(a.id()), before, after);
        // Judged as last seen at lastSeenAt: a renewal since then moves it past this bound and keeps the agent.
        Instant seenBefore = a.lastSeenAt().plusNanos(1);
        if (store.agents().retire(a.organizationId(), a.id(), a.version(), seenBefore, verdict.removes(), audit)) {
            r.work++;
            if (verdict.removes()) {
                r.removed++;
            } else {
                r.disabled++;
            }
        } else {
            r.lost++;
        }
    }

    private void sweepInstallers(Run r, Organization org, Instant before) {
        while (!r.exhausted()) {
            int want = r.batch(policy.batchSize());
            List<InstallerRecord> retired = store.installers().listRetiredBefore(org.id(), before, want);
            int progress = 0;
            for (InstallerRecord rec : retired) {
                r.work++;
                Map<String, String> was = new java.util.TreeMap<>();
                rec.revoked().ifPresent(v -> was.put("revokedAt", v.at().toString()));
                rec.expiresAt().ifPresent(e -> was.put("expiresAt", e.toString()));
                was.put("accessKey", rec.accessKeyId().value());
                AuditEvent audit = AuditEvent.of(r.now, org.id(), Actor.SYSTEM, AuditAction.INSTALLER_DELETED, Subject.of(rec.id()), was,
                        Map.of("graceEnded", before.toString()));
                if (store.installers().removeRetired(org.id(), rec.id(), before, audit)) {
                    r.installers++;
                    progress++;
                } else {
                    r.lost++;
                }
            }
            if (retired.size() < want || progress == 0) {
                return;
            }
        }
    }

    private void sweepAudit(Run r, Organization org, Instant before) {
        while (!r.exhausted()) {
            int want = r.batch(policy.batchSize());
            int n = store.audit().deleteRecordedBefore(org.id(), before, want);
            r.work += Math.max(n, 1);
            r.audit += n;
            if (n < want) {
                return;
            }
        }
    }

    /** One sweep's counters and its work budget. */
    private final class Run {
        final Instant now;
        int work;
        int disabled;
        int removed;
        int installers;
        int audit;
        int lost;

        Run(Instant now) {
            this.now = now;
        }

        boolean exhausted() {
            return work >= policy.maxWorkPerRun();
        }

        int batch(int size) {
            return Math.max(1, Math.min(size, policy.maxWorkPerRun() - work));
        }

        SweepReport report(boolean complete) {
            return new SweepReport(disabled, removed, installers, audit, lost, complete);
        }
    }
}
