package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.spi.AgentStore;
import com.heartbeatrm.core.spi.Cursors;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import com.heartbeatrm.core.spi.Committed;
import com.heartbeatrm.core.spi.EnrollmentJudge;
import com.heartbeatrm.core.spi.Judged;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.core.spi.RenewalAttempt;
import com.heartbeatrm.core.spi.RenewalCommit;
import com.heartbeatrm.core.spi.RenewalFacts;
import com.heartbeatrm.core.spi.RenewalVerdict;
import com.heartbeatrm.store.jdbc.internal.Rows;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Agents, and the two transactions agent traffic goes through.
 *
 * <h2>Design of the enrollment transaction</h2>
 * One transaction, and on PostgreSQL six statements: (1) one read of everything the judge needs, by outer joins from
 * the ids the verified token names: the organization, the installer record, the access key and its group, an agent
 * with the same public key, whether the signing key still exists, the active signing key's id, the
 * key-from-this-address throttle and the nonce; (2) the key's group's ancestors, by id, for its effective settings.
 * The judge decides on those facts. Then (3) the nonce is remembered by an upsert whose row count tells a replay
 * without an error; (4) a single conditional {@code UPDATE} counts the use only if the key still exists, is not
 * disabled, not expired at the enrollment time, below its maximum and points at the agent's group: its row lock
 * queues concurrent enrollments on the key, and the condition is re-evaluated on the locked row, so the count never
 * passes the maximum and there is no read-then-write race; (5) the agent and (6) its audit event are inserted. When
 * the conditional update matches nothing, the key row is read to name the reason; a key re-pointed since (1) runs the
 * whole transaction again with fresh facts. A duplicate agent key (the same agent racing itself) rolls everything
 * back, the counted use included: no use without its agent, no agent without its use.
 *
 * <p>A key lane's batch of enrollments runs in {@link KeyBatches}, the renewal transaction in {@link JdbcRenewals}, and
 * both transactions' first read in {@link FactReads}.
 */
final class JdbcAgents implements AgentStore {
    private static final int MAX_KEY_CHANGES = 3;

    private final Sql sql;
    private final Dialect dialect;
    /** Enrollments and renewals this store instance ran: every one remembers a nonce. */
    static final int PURGE_NONCES_EVERY = 1000;
    private final AtomicLong nonceWrites = new AtomicLong();
    private final KeyLanes lanes = new KeyLanes();
    /** PostgreSQL: each key lane's last facts, which its next batch is judged on (see {@link AtOnceEnrollment}). */
    private final LaneFacts laneFacts = new LaneFacts();
    private final boolean batching;
    private final JdbcRenewals renewals;

    JdbcAgents(Sql sql, Dialect dialect, boolean batching) {
        this.sql = sql;
        this.dialect = dialect;
        this.batching = batching;
        this.renewals = new JdbcRenewals(sql, dialect);
    }

    /** Key lanes now open (none when idle). */
    int openLanes() {
        return lanes.openLanes();
    }

    /** Enrollments waiting in key lanes (for tests). */
    int queuedInLanes() {
        return lanes.queued();
    }

    // ------------------------------------------------------------------------------------------- enrollment

    @Override
    public EnrollmentFacts enrollmentFacts(EnrollmentAttempt attempt) {
        return sql.read(c -> FactReads.enrollment(c, attempt));
    }

    /**
     * Thrown inside the enrollment transaction to roll it back: the key was re-pointed since the facts were read, or
     * the same agent key enrolled concurrently and won.
     */
    static final class Undo extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final boolean keyChanged;

        Undo(boolean keyChanged) {
            super(null, null, false, false);
            this.keyChanged = keyChanged;
        }
    }

    @Override
    public <R extends Judged<EnrollmentVerdict>> Committed<EnrollmentCommit, R> judgeAndEnroll(EnrollmentAttempt attempt,
            Function<EnrollmentFacts, R> judge) {
        maybePurgeNonces(attempt.now());
        Judging<EnrollmentFacts, EnrollmentVerdict, R> judging = new Judging<>(judge);
        EnrollmentCommit commit = !batching || sql.joinsHostTransaction() ? enrollAlone(attempt, judging::verdict)
                : lanes.enroll(attempt, judging::verdict, this::enrollBatch, this::enrollLone);
        return new Committed<>(commit, judging.last());
    }

    /** One enrollment of a key lane: on PostgreSQL in one statement after its facts if it can (see {@link AtOnceEnrollment}). */
    private EnrollmentCommit enrollLone(KeyLanes.Member m) {
        if (dialect == Dialect.POSTGRESQL) {
            Optional<List<EnrollmentCommit>> done = sql.read(c -> AtOnceEnrollment.enroll(c, List.of(m), laneFacts));
            if (done.isPresent()) {
                return done.get().get(0);
            }
        }
        return enrollAlone(m.attempt, m.judge);
    }

    private EnrollmentCommit enrollAlone(EnrollmentAttempt attempt, EnrollmentJudge judge) {
        boolean canRetry = !sql.joinsHostTransaction();
        for (int run = 1; ; run++) {
            try {
                return sql.inTransaction(c -> enrollOnce(c, attempt, judge));
            } catch (Undo undo) {
                if (undo.keyChanged) {
                    if (canRetry && run < MAX_KEY_CHANGES) {
                        continue;
                    }
                    return new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_CHANGED);
                }
                // The same agent key enrolled concurrently and won; our transaction (and its counted use) rolled back.
                return sql.read(c -> byFingerprint(c, attempt.organization().value(), attempt.agentFingerprint()))
                        .<EnrollmentCommit>map(EnrollmentCommit.AlreadyEnrolled::new)
                        .orElseThrow(() -> new ConflictException("agent key enrolled and removed concurrently"));
            }
        }
    }

    /** Several enrollments on one key in one transaction: see {@link KeyBatches#enroll}. */
    void enrollBatch(List<KeyLanes.Member> members) {
        KeyBatches.enroll(sql, dialect, members, laneFacts);
    }

    private EnrollmentCommit enrollOnce(Connection c, EnrollmentAttempt attempt, EnrollmentJudge judge) throws SQLException {
        EnrollmentFacts facts = FactReads.enrollment(c, attempt);
        EnrollmentVerdict v = judge.judge(facts);
        if (v instanceof EnrollmentVerdict.Deny) {
            return new EnrollmentCommit.Denied();
        }
        if (facts.nonceSeen() || !dialect.rememberNonce(c, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now())) {
            return new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.REPLAYED);
        }
        if (v instanceof EnrollmentVerdict.Existing e) {
            return new EnrollmentCommit.AlreadyEnrolled(e.agent());
        }
        if (v instanceof EnrollmentVerdict.Lock lock) {
            return lock(c, lock);
        }
        EnrollmentVerdict.Admit admit = (EnrollmentVerdict.Admit) v;
        Agent agent = admit.agent();
        checkAdmission(attempt, agent);
        String org = attempt.organization().value();
        Instant now = attempt.now();
        boolean limited = facts.installer().map(i -> i.maxUses().isPresent()).orElse(false);
        if (limited && !KeyUses.countInstallerUse(c, org, attempt.installer().value(), 1)) {
            // The nonce stays remembered: that request was seen, and refused.
            return new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.INSTALLER_EXHAUSTED);
        }
        if (!KeyUses.countUses(c, org, attempt.key().value(), agent.groupId().value(), 1, now, agent.id().value())) {
            Optional<EnrollmentCommit.Reason> reason = KeyUses.refusal(c, org, attempt.key().value(), now);
            if (reason.isEmpty()) {
                throw new Undo(true);
            }
            if (limited) {
                KeyUses.countInstallerUse(c, org, attempt.installer().value(), -1);
            }
            // The nonce stays remembered: that request was seen, and refused.
            return new EnrollmentCommit.DeniedAtCommit(reason.get());
        }
        if (dialect.locksReferencedGroup()) {
            JdbcGroups.lockReferencedGroup(c, dialect, org, agent.groupId().value());
        }
        try {
            insertAgent(c, agent.withVersion(0));
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e)) {
                throw new Undo(false);
            }
            if (Sql.isForeignKeyViolation(e)) {
                throw new NotFoundException("group", agent.groupId().value());
            }
            throw e;
        }
        JdbcAudit.insert(c, admit.audit());
        return new EnrollmentCommit.Enrolled(agent.withVersion(0));
    }

    /**
     * Locks the agent whose key an enrollment presented as a copy, if it is still at the version the judge saw; a
     * change since (an admin, a renewal) runs the whole step again on fresh facts.
     */
    static EnrollmentCommit lock(Connection c, EnrollmentVerdict.Lock lock) throws SQLException {
        Agent locked = lock.locked();
        if (Sql.update(c, "UPDATE hb_agent SET status = ?, version = ? WHERE org_id = ? AND id = ? AND version = ?", locked.status().name(),
                locked.version(), locked.organizationId().value(), locked.id().value(), lock.agent().version()) != 1) {
            throw new Undo(true);
        }
        JdbcAudit.insert(c, lock.audit());
        return new EnrollmentCommit.Locked(locked);
    }

    static void checkAdmission(EnrollmentAttempt attempt, Agent agent) {
        if (!agent.organizationId().equals(attempt.organization()) || !agent.accessKeyId().equals(attempt.key())
                || !agent.publicKeyFingerprint().equals(attempt.agentFingerprint())
                || !agent.installerId().equals(Optional.of(attempt.installer()))) {
            throw new InvalidInputException("agent", "must name the attempt's organization, key, installer and agent key");
        }
    }

    /**
     * Forgets expired nonces once every 1,000 enrollments and renewals, in a statement of its own, off the request's
     * transaction. Renewals count too: a settled fleet renews all day and seldom enrolls, and its renewals' nonces must
     * not pile up until the next thousand enrollments.
     */
    private void maybePurgeNonces(Instant now) {
        if (nonceWrites.incrementAndGet() % PURGE_NONCES_EVERY == 0) {
            sql.read(c -> Sql.update(c, "DELETE FROM hb_nonce WHERE expires_at <= ?", now));
        }
    }

    static void insertAgent(Connection c, Agent a) throws SQLException {
        insertAgents(c, List.of(a));
    }

    /** One multi-row insert. */
    static void insertAgents(Connection c, List<Agent> agents) throws SQLException {
        List<@Nullable Object> params = new ArrayList<>(agents.size() * 22);
        Sql.update(c, insertAgentsSql(agents, params), params.toArray());
    }

    /** The multi-row insert of {@code agents}, their values appended to {@code params} in its order. */
    static String insertAgentsSql(List<Agent> agents, List<@Nullable Object> params) {
        StringBuilder q = new StringBuilder(Rows.INSERT_AGENT);
        for (int i = 0; i < agents.size(); i++) {
            if (i > 0) {
                q.append(", ").append(Rows.AGENT_ROW);
            }
            Agent a = agents.get(i);
            params.addAll(java.util.Arrays.asList(a.organizationId().value(), a.id().value(), a.groupId().value(), a.status().name(),
                    a.enrolledAt(), a.accessKeyId().value(), a.installerId().map(InstallerId::value).orElse(null), a.hostname(),
                    a.platform().name(), a.publicKeyFingerprint(), a.lastSeenAt(), a.credentialGeneration(), null,
                    a.credentialIssuedAt().orElse(null), a.credentialExpiresAt().orElse(null), a.version(), a.keyType().wireName()));
            params.addAll(java.util.Arrays.asList(Rows.attestationValues(a)));
            params.add(a.machineFingerprint().orElse(null));
        }
        return q.toString();
    }

    // ---------------------------------------------------------------------------------------------- renewal

    @Override
    public <R extends Judged<RenewalVerdict>> Committed<RenewalCommit, R> judgeAndRenew(RenewalAttempt attempt, Function<RenewalFacts, R> judge) {
        maybePurgeNonces(attempt.now());
        Judging<RenewalFacts, RenewalVerdict, R> judging = new Judging<>(judge);
        RenewalCommit commit = renewals.renew(attempt, judging::verdict);
        return new Committed<>(commit, judging.last());
    }

    // ---------------------------------------------------------------------------------------------- queries

    @Override
    public List<Agent> findByMachineFingerprint(OrganizationId org, String machineFingerprint) {
        return sql.read(c -> byMachine(c, org.value(), machineFingerprint));
    }

    /** The organization's agents that reported the machine fingerprint, not disabled, oldest first, at most {@link #MAX_SAME_MACHINE}. */
    static List<Agent> byMachine(Connection c, String org, String machineFingerprint) throws SQLException {
        return Sql.list(c, Rows::agent, "SELECT " + Rows.AGENT + " FROM hb_agent WHERE org_id = ? AND machine_fingerprint = ? AND status <> ?"
                + " ORDER BY enrolled_at, id LIMIT ?", org, machineFingerprint, AgentStatus.DISABLED.name(), MAX_SAME_MACHINE);
    }

    private static Optional<Agent> byFingerprint(Connection c, String org, String fingerprint) throws SQLException {
        return Sql.one(c, Rows::agent, "SELECT " + Rows.AGENT + " FROM hb_agent WHERE org_id = ? AND fingerprint = ?", org, fingerprint);
    }

    @Override
    public Optional<Agent> find(OrganizationId org, AgentId id) {
        return sql.read(c -> Sql.one(c, Rows::agent, "SELECT " + Rows.AGENT + " FROM hb_agent WHERE org_id = ? AND id = ?", org.value(), id.value()));
    }

    @Override
    public Optional<Agent> findByPublicKeyFingerprint(OrganizationId org, String fingerprint) {
        return sql.read(c -> byFingerprint(c, org.value(), fingerprint));
    }

    private Page<Agent> page(OrganizationId org, String column, Object value, PageRequest page) {
        return sql.read(c -> {
            List<Object> params = new ArrayList<>(List.of(org.value(), value));
            String after = JdbcKeys.keyset(page, params, "enrolled_at");
            params.add(page.limit() + 1);
            List<Agent> rows = Sql.list(c, Rows::agent, "SELECT " + Rows.AGENT + " FROM hb_agent WHERE org_id = ? AND " + column + " = ?" + after
                    + " ORDER BY enrolled_at, id LIMIT ?", params.toArray());
            return JdbcPages.page(rows, page.limit(), a -> Cursors.of(a.enrolledAt(), a.id().value()));
        });
    }

    @Override
    public Page<Agent> listByGroup(OrganizationId org, GroupId group, PageRequest page) {
        return page(org, "group_id", group.value(), page);
    }

    @Override
    public Page<Agent> listByKey(OrganizationId org, AccessKeyId key, PageRequest page) {
        return page(org, "access_key_id", key.value(), page);
    }

    @Override
    public Page<Agent> listByStatus(OrganizationId org, AgentStatus status, PageRequest page) {
        return page(org, "status", status.name(), page);
    }

    @Override
    public Page<Agent> listByInstaller(OrganizationId org, InstallerId installer, PageRequest page) {
        return page(org, "installer_id", installer.value(), page);
    }

    @Override
    public Agent update(Agent changed, long expectedVersion, AuditEvent audit) {
        String org = changed.organizationId().value();
        return sql.inTransaction(c -> {
            Agent current = Versions.current(Sql.one(c, Rows::agent, "SELECT " + Rows.AGENT + " FROM hb_agent WHERE org_id = ? AND id = ? FOR UPDATE",
                    org, changed.id().value()), "agent", changed.id().value(), expectedVersion, Agent::version);
            JdbcGroups.lockReferencedGroup(c, dialect, org, changed.groupId().value());
            Agent stored = current.withStatus(changed.status()).withGroup(changed.groupId()).withVersion(expectedVersion + 1);
            JdbcGroups.updateReferencing(c, changed.groupId().value(), "UPDATE hb_agent SET status = ?, group_id = ?, version = ? WHERE org_id = ? AND id = ?",
                    stored.status().name(), stored.groupId().value(), stored.version(), org, stored.id().value());
            JdbcAudit.insert(c, audit);
            return stored;
        });
    }

    @Override
    public void delete(OrganizationId org, AgentId id, long expectedVersion, AuditEvent audit) {
        sql.inTransactionChange(c -> {
            Versions.current(Sql.one(c, Rows::agent, "SELECT " + Rows.AGENT + " FROM hb_agent WHERE org_id = ? AND id = ? FOR UPDATE", org.value(),
                    id.value()), "agent", id.value(), expectedVersion, Agent::version);
            Sql.update(c, "DELETE FROM hb_agent WHERE org_id = ? AND id = ?", org.value(), id.value());
            JdbcAudit.insert(c, audit);
        });
    }

    @Override
    public Page<Agent> listSeenBefore(OrganizationId org, GroupId group, Instant before, PageRequest page) {
        return sql.read(c -> {
            List<Object> params = new ArrayList<>(List.of(org.value(), group.value(), before));
            String after = JdbcKeys.keyset(page, params, "last_seen_at");
            params.add(page.limit() + 1);
            List<Agent> rows = Sql.list(c, Rows::agent, "SELECT " + Rows.AGENT + " FROM hb_agent WHERE org_id = ? AND group_id = ? AND last_seen_at < ?"
                    + after + " ORDER BY last_seen_at, id LIMIT ?", params.toArray());
            return JdbcPages.page(rows, page.limit(), a -> Cursors.of(a.lastSeenAt(), a.id().value()));
        });
    }

    /**
     * One conditional statement decides: it matches only while the agent is at the version and last-seen time the sweeper
     * judged (a racing renewal moves last_seen_at, a racing admin change the version; PostgreSQL and MariaDB re-check the
     * condition after waiting for such a writer's row lock). The audit row is written only when it matched, in the
     * same transaction, so two sweepers retire an agent once with one record.
     */
    @Override
    public boolean retire(OrganizationId org, AgentId id, long expectedVersion, Instant seenBefore, boolean remove, AuditEvent audit) {
        return sql.inTransaction(c -> {
            int n = remove
                    ? Sql.update(c, "DELETE FROM hb_agent WHERE org_id = ? AND id = ? AND version = ? AND last_seen_at < ?", org.value(), id.value(),
                            expectedVersion, seenBefore)
                    : Sql.update(c, "UPDATE hb_agent SET status = ?, version = ? WHERE org_id = ? AND id = ? AND version = ? AND last_seen_at < ?",
                            AgentStatus.DISABLED.name(), expectedVersion + 1, org.value(), id.value(), expectedVersion, seenBefore);
            if (n == 0) {
                return false;
            }
            JdbcAudit.insert(c, audit);
            return true;
        });
    }
}
