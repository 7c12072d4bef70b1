package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.Organization;
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
import com.heartbeatrm.core.spi.RenewalJudge;
import com.heartbeatrm.core.spi.RenewalVerdict;
import com.heartbeatrm.store.jdbc.internal.FactQueries;
import com.heartbeatrm.store.jdbc.internal.Rows;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * <h2>Design of the renewal transaction</h2>
 * The agent row is locked by the read that fetches the facts (on PostgreSQL one statement, {@code FOR UPDATE OF}
 * the agent only), so renewals of one agent are applied one at a time and the judge decides on the current
 * generation; the generation, the renewal nonce and a lock are written in the same transaction.
 */
final class JdbcAgents implements AgentStore {
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT = "INSERT INTO hb_agent (" + Rows.AGENT + ") VALUES " + ROW;
    private static final int MAX_KEY_CHANGES = 3;

    private final Sql sql;
    private final Dialect dialect;
    /** Enrollments and renewals this store instance ran: every one remembers a nonce. */
    static final int PURGE_NONCES_EVERY = 1000;
    private final AtomicLong nonceWrites = new AtomicLong();
    private final KeyLanes lanes = new KeyLanes();
    private final boolean batching;

    JdbcAgents(Sql sql, Dialect dialect, boolean batching) {
        this.sql = sql;
        this.dialect = dialect;
        this.batching = batching;
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

    /** One row of {@link FactQueries#ENROLLMENT}, as read; the group path is looked up after its result set closed. */
    private record FactRow(@Nullable Organization organization, @Nullable InstallerRecord installer, @Nullable AccessKey key,
            @Nullable Group keyGroup, @Nullable String groupPath, @Nullable Agent existing, boolean signingKnown, @Nullable String active,
            @Nullable Long blocked, @Nullable Long nonce) {
        static FactRow of(ResultSet rs) throws SQLException {
            return new FactRow(Rows.organization(rs, "o_"), Rows.installer(rs, "i_"), Rows.accessKey(rs, "k_"), Rows.group(rs, "g_"),
                    rs.getString("g_path"), Rows.agent(rs, "a_"), rs.getLong("sk_known") > 0, rs.getString("sk_active"),
                    Sql.longOrNull(rs, "th_blocked"), Sql.longOrNull(rs, "n_expires"));
        }

        /** The key group's materialized path: the same row as the group, present whenever the group is. */
        String pathOfKeyGroup() {
            return java.util.Objects.requireNonNull(groupPath, "g_path of a found group");
        }

        EnrollmentFacts facts(List<Group> path, Instant now) {
            return new EnrollmentFacts(Optional.ofNullable(organization), Optional.ofNullable(installer), signingKnown, Optional.ofNullable(key),
                    path, Optional.ofNullable(existing), blockedAfter(blocked, now), nonce != null && Sql.instant(nonce).isAfter(now),
                    Optional.ofNullable(active));
        }
    }

    private static Object[] factParams(EnrollmentAttempt a) {
        String org = a.organization().value();
        return new Object[] {a.signingKeyId(), a.throttleBucket().orElse(null), a.nonceKey(), org, org, a.installer().value(), org, a.key().value(),
            org, a.agentFingerprint()};
    }

    private EnrollmentFacts readFacts(Connection c, EnrollmentAttempt a) throws SQLException {
        FactRow row;
        try (PreparedStatement ps = Sql.prepare(c, FactQueries.ENROLLMENT, factParams(a)); ResultSet rs = ps.executeQuery()) {
            rs.next();
            row = FactRow.of(rs);
        }
        Group keyGroup = row.keyGroup();
        List<Group> path = keyGroup == null ? List.of() : JdbcGroups.pathOf(c, a.organization().value(), keyGroup, row.pathOfKeyGroup());
        return row.facts(path, a.now());
    }

    /**
     * Every member's facts in one statement ({@link FactQueries#enrollmentBatch}), and their key's group path once: the
     * same facts as a lone enrollment reads, in one round trip for the batch instead of one per member.
     */
    private List<EnrollmentFacts> readFacts(Connection c, List<KeyLanes.Member> members) throws SQLException {
        int n = members.size();
        FactRow[] rows = new FactRow[n];
        List<Object> params = new ArrayList<>(n * 10);
        for (KeyLanes.Member m : members) {
            params.addAll(java.util.Arrays.asList(factParams(m.attempt)));
        }
        try (PreparedStatement ps = Sql.prepare(c, FactQueries.enrollmentBatch(n), params.toArray()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows[rs.getInt("m_index")] = FactRow.of(rs);
            }
        }
        java.util.Map<String, List<Group>> paths = new java.util.HashMap<>();
        List<EnrollmentFacts> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FactRow row = java.util.Objects.requireNonNull(rows[i], "a member without its facts row");
            EnrollmentAttempt a = members.get(i).attempt;
            List<Group> path = List.of();
            Group keyGroup = row.keyGroup();
            if (keyGroup != null) {
                String id = keyGroup.id().value() + ' ' + row.pathOfKeyGroup();
                path = paths.get(id);
                if (path == null) {
                    path = JdbcGroups.pathOf(c, a.organization().value(), keyGroup, row.pathOfKeyGroup());
                    paths.put(id, path);
                }
            }
            out.add(row.facts(path, a.now()));
        }
        return out;
    }

    private static Optional<Instant> blockedAfter(@Nullable Long blocked, Instant now) {
        return blocked == null || !Sql.instant(blocked).isAfter(now) ? Optional.empty() : Optional.of(Sql.instant(blocked));
    }

    @Override
    public EnrollmentFacts enrollmentFacts(EnrollmentAttempt attempt) {
        return sql.read(c -> readFacts(c, attempt));
    }

    /**
     * Thrown inside the enrollment transaction to roll it back: the key was re-pointed since the facts were read, or
     * the same agent key enrolled concurrently and won.
     */
    private static final class Undo extends RuntimeException {
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
                : lanes.enroll(attempt, judging::verdict, this::enrollBatch, m -> enrollAlone(m.attempt, m.judge));
        return new Committed<>(commit, judging.last());
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

    /**
     * Several enrollments on one key in one transaction (see {@link KeyLanes}): each member's facts and verdict as
     * alone, the facts of all members read by one statement and their nonces remembered by one more (on PostgreSQL),
     * then one conditional update that counts every admitted use, one insert of their agents and one of their audit
     * events: a batch costs the database six round trips and one commit whatever its size, so a batch of n costs
     * less than n lone enrollments by far more than the commits it shares. When the key cannot take them all, the key row is locked and read: a disabled, expired or deleted
     * key refuses all of them, a key with r uses left admits the r oldest and refuses the others as exhausted, exactly
     * as r single transactions in queue order would. Anything else (a key re-pointed meanwhile, two members with one
     * agent key) throws, the transaction rolls back, and every member runs alone.
     */
    void enrollBatch(List<KeyLanes.Member> members) {
        List<EnrollmentCommit> outcomes = sql.inTransaction(c -> batchOnce(c, members));
        for (int i = 0; i < members.size(); i++) {
            members.get(i).outcome = outcomes.get(i);
        }
    }

    private List<EnrollmentCommit> batchOnce(Connection c, List<KeyLanes.Member> members) throws SQLException {
        EnrollmentCommit[] out = new EnrollmentCommit[members.size()];
        List<Integer> admitted = new ArrayList<>();
        List<EnrollmentVerdict.Admit> admits = new ArrayList<>();
        List<EnrollmentFacts> facts = readFacts(c, members);
        EnrollmentVerdict[] verdicts = new EnrollmentVerdict[members.size()];
        // Which members' nonces to remember: as one enrollment after another would, a denied member remembers none, a
        // nonce already live is a replay, and a second member with a nonce the batch remembers is a replay of the first.
        List<Integer> remember = new ArrayList<>();
        java.util.Set<String> nonces = new java.util.HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            KeyLanes.Member m = members.get(i);
            verdicts[i] = m.judge.judge(facts.get(i));
            if (verdicts[i] instanceof EnrollmentVerdict.Deny) {
                out[i] = new EnrollmentCommit.Denied();
            } else if (facts.get(i).nonceSeen() || !nonces.add(m.attempt.nonceKey())) {
                out[i] = new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.REPLAYED);
            } else {
                remember.add(i);
            }
        }
        java.util.Set<Integer> remembered = rememberNonces(c, members, remember);
        for (int i : remember) {
            KeyLanes.Member m = members.get(i);
            EnrollmentVerdict v = verdicts[i];
            if (!remembered.contains(i)) {
                out[i] = new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.REPLAYED);
            } else if (v instanceof EnrollmentVerdict.Existing e) {
                out[i] = new EnrollmentCommit.AlreadyEnrolled(e.agent());
            } else if (v instanceof EnrollmentVerdict.Lock lock) {
                out[i] = lock(c, lock);
            } else {
                EnrollmentVerdict.Admit admit = (EnrollmentVerdict.Admit) v;
                checkAdmission(m.attempt, admit.agent());
                if (facts.get(i).installer().map(ins -> ins.maxUses().isPresent()).orElse(false)) {
                    // An installer with a use limit is counted on its own row: such an enrollment runs alone.
                    throw new Undo(true);
                }
                if (!admits.isEmpty() && !admits.get(0).agent().groupId().equals(admit.agent().groupId())) {
                    throw new Undo(true);
                }
                admitted.add(i);
                admits.add(admit);
            }
        }
        if (!admits.isEmpty()) {
            EnrollmentAttempt first = members.get(admitted.get(0)).attempt;
            String org = first.organization().value();
            String keyId = first.key().value();
            String group = admits.get(0).agent().groupId().value();
            Instant now = KeyUses.latest(members, admitted);
            int n = admits.size();
            int take = KeyUses.countUses(c, org, keyId, group, n, now, admits.get(n - 1).agent().id().value()) ? n : 0;
            if (take == 0) {
                Optional<AccessKey> key = JdbcKeys.row(c, org, keyId, true);
                Optional<EnrollmentCommit.Reason> reason = key.isEmpty() ? Optional.of(EnrollmentCommit.Reason.KEY_NOT_FOUND)
                        : KeyUses.refusalOf(key.get(), now);
                if (reason.isPresent() && reason.get() != EnrollmentCommit.Reason.KEY_EXHAUSTED) {
                    admitted.forEach(i -> out[i] = new EnrollmentCommit.DeniedAtCommit(reason.get()));
                    return List.of(out);
                }
                if (!key.get().groupId().value().equals(group)) {
                    throw new Undo(true);
                }
                long left = key.get().maxUses().isPresent() ? Math.max(0, key.get().maxUses().getAsLong() - key.get().useCount()) : n;
                take = (int) Math.min(left, n);
                if (take > 0 && !KeyUses.countUses(c, org, keyId, group, take, now, admits.get(take - 1).agent().id().value())) {
                    throw new Undo(true);
                }
                for (int j = take; j < n; j++) {
                    out[admitted.get(j)] = new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.KEY_EXHAUSTED);
                }
            }
            if (take > 0) {
                if (dialect.locksReferencedGroup()) {
                    JdbcGroups.lockReferencedGroup(c, dialect, org, group);
                }
                List<Agent> agents = new ArrayList<>(take);
                List<AuditEvent> events = new ArrayList<>(take);
                for (int j = 0; j < take; j++) {
                    agents.add(admits.get(j).agent().withVersion(0));
                    events.add(admits.get(j).audit());
                }
                try {
                    insertAgents(c, agents);
                } catch (SQLException e) {
                    if (Sql.isUniqueViolation(e)) {
                        throw new Undo(false);
                    }
                    if (Sql.isForeignKeyViolation(e)) {
                        throw new NotFoundException("group", group);
                    }
                    throw e;
                }
                JdbcAudit.insertAll(c, events);
                for (int j = 0; j < take; j++) {
                    out[admitted.get(j)] = new EnrollmentCommit.Enrolled(agents.get(j));
                }
            }
        }
        return List.of(out);
    }

    private EnrollmentCommit enrollOnce(Connection c, EnrollmentAttempt attempt, EnrollmentJudge judge) throws SQLException {
        EnrollmentFacts facts = readFacts(c, attempt);
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
     * Remembers the nonces of the members at {@code indexes} (distinct nonces); returns the indexes whose nonce was
     * remembered, the others' being live already. On PostgreSQL one upsert for all of them, whose {@code RETURNING}
     * names the rows it wrote; a nonce counts as expired when it expired by the earliest member's time (a nonce that
     * expires within the batch's few milliseconds is refused as a replay, never admitted twice). Elsewhere one
     * statement per nonce, as alone.
     */
    private java.util.Set<Integer> rememberNonces(Connection c, List<KeyLanes.Member> members, List<Integer> indexes) throws SQLException {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        if (indexes.isEmpty()) {
            return out;
        }
        if (dialect != Dialect.POSTGRESQL || indexes.size() == 1) {
            for (int i : indexes) {
                EnrollmentAttempt a = members.get(i).attempt;
                if (dialect.rememberNonce(c, a.nonceKey(), a.nonceExpiresAt(), a.now())) {
                    out.add(i);
                }
            }
            return out;
        }
        StringBuilder q = new StringBuilder("INSERT INTO hb_nonce (nonce, expires_at) VALUES ");
        List<Object> params = new ArrayList<>(indexes.size() * 2 + 1);
        java.util.Map<String, Integer> byNonce = new java.util.HashMap<>();
        Instant earliest = members.get(indexes.get(0)).attempt.now();
        for (int i : indexes) {
            EnrollmentAttempt a = members.get(i).attempt;
            q.append(params.isEmpty() ? "(?, ?)" : ", (?, ?)");
            params.add(a.nonceKey());
            params.add(a.nonceExpiresAt());
            byNonce.put(a.nonceKey(), i);
            if (a.now().isBefore(earliest)) {
                earliest = a.now();
            }
        }
        q.append(" ON CONFLICT (nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE hb_nonce.expires_at <= ? RETURNING nonce");
        params.add(earliest);
        try (PreparedStatement ps = Sql.prepare(c, q.toString(), params.toArray()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Integer i = byNonce.get(rs.getString(1));
                if (i != null) {
                    out.add(i);
                }
            }
        }
        return out;
    }

    /**
     * Locks the agent whose key an enrollment presented as a copy, if it is still at the version the judge saw; a
     * change since (an admin, a renewal) runs the whole step again on fresh facts.
     */
    private static EnrollmentCommit lock(Connection c, EnrollmentVerdict.Lock lock) throws SQLException {
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
        StringBuilder q = new StringBuilder(INSERT);
        List<@Nullable Object> params = new ArrayList<>(agents.size() * 20);
        for (int i = 0; i < agents.size(); i++) {
            if (i > 0) {
                q.append(", ").append(ROW);
            }
            Agent a = agents.get(i);
            params.addAll(java.util.Arrays.asList(a.organizationId().value(), a.id().value(), a.groupId().value(), a.status().name(),
                    a.enrolledAt(), a.accessKeyId().value(), a.installerId().map(InstallerId::value).orElse(null), a.hostname(),
                    a.platform().name(), a.publicKeyFingerprint(), a.lastSeenAt(), a.credentialGeneration(), null,
                    a.credentialIssuedAt().orElse(null), a.credentialExpiresAt().orElse(null), a.version(), a.keyType().wireName()));
            params.addAll(java.util.Arrays.asList(Rows.attestationValues(a)));
        }
        Sql.update(c, q.toString(), params.toArray());
    }

    // ---------------------------------------------------------------------------------------------- renewal

    // The result set is closed before JdbcGroups.pathOf queries the same connection again; the second close by
    // try-with-resources is then a no-op.
    @SuppressWarnings("try")
    private RenewalFacts readRenewalFacts(Connection c, RenewalAttempt a) throws SQLException {
        String org = a.organization().value();
        boolean oneStatement = dialect.locksOneTableOfAJoin();
        if (!oneStatement) {
            Sql.exists(c, "SELECT id FROM hb_agent WHERE org_id = ? AND id = ? FOR UPDATE", org, a.agent().value());
        }
        Object[] params = {a.credentialSigningKeyId().orElse(null), a.throttleBucket().orElse(null), a.nonceKey(), org, a.agent().value()};
        try (PreparedStatement ps = Sql.prepare(c, oneStatement ? FactQueries.RENEWAL_LOCKED : FactQueries.RENEWAL_UNLOCKED, params); ResultSet rs = ps.executeQuery()) {
            Instant now = a.now();
            if (!rs.next() || rs.getString("a_id") == null) {
                // No such agent: only the throttle matters (the caller decides what an unknown agent costs).
                return new RenewalFacts(Optional.empty(), Optional.empty(), List.of(), Optional.empty(), false, blocked(c, a), false,
                        Optional.empty());
            }
            Agent agent = Objects.requireNonNull(Rows.agent(rs, "a_"), "a_id is not null");
            Organization organization = Rows.organization(rs, "o_");
            Group group = Objects.requireNonNull(Rows.group(rs, "g_"), "an agent's group exists (a foreign key)");
            String path = rs.getString("g_path");
            boolean known = rs.getLong("sk_known") > 0;
            String active = rs.getString("sk_active");
            Optional<Instant> blocked = blockedAfter(Sql.longOrNull(rs, "th_blocked"), now);
            Long nonce = Sql.longOrNull(rs, "n_expires");
            String renewalNonce = rs.getString("a_renewal_nonce");
            rs.close();
            return new RenewalFacts(Optional.ofNullable(organization), Optional.of(agent), JdbcGroups.pathOf(c, org, group, path),
                    Optional.ofNullable(renewalNonce), known, blocked, nonce != null && Sql.instant(nonce).isAfter(now), Optional.ofNullable(active));
        }
    }

    private static Optional<Instant> blocked(Connection c, RenewalAttempt a) throws SQLException {
        if (a.throttleBucket().isEmpty()) {
            return Optional.empty();
        }
        try (PreparedStatement ps = Sql.prepare(c, "SELECT blocked_until FROM hb_throttle WHERE bucket = ?", a.throttleBucket().get());
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? blockedAfter(Sql.longOrNull(rs, "blocked_until"), a.now()) : Optional.empty();
        }
    }

    @Override
    public <R extends Judged<RenewalVerdict>> Committed<RenewalCommit, R> judgeAndRenew(RenewalAttempt attempt, Function<RenewalFacts, R> judge) {
        maybePurgeNonces(attempt.now());
        Judging<RenewalFacts, RenewalVerdict, R> judging = new Judging<>(judge);
        RenewalCommit commit = renewOnce(attempt, judging::verdict);
        return new Committed<>(commit, judging.last());
    }

    private RenewalCommit renewOnce(RenewalAttempt attempt, RenewalJudge judge) {
        return sql.inTransaction(c -> {
            RenewalFacts facts = readRenewalFacts(c, attempt);
            RenewalVerdict v = judge.judge(facts);
            if (v instanceof RenewalVerdict.Deny) {
                return new RenewalCommit.Denied();
            }
            Agent agent = facts.agent().orElseThrow(() -> new InvalidInputException("verdict", "only a rejection fits a missing agent"));
            String org = agent.organizationId().value();
            if (v instanceof RenewalVerdict.Retry) {
                Agent stored = v.applyTo(agent, attempt.now());
                Sql.update(c, "UPDATE hb_agent SET last_seen_at = ? WHERE org_id = ? AND id = ?", stored.lastSeenAt(), org, agent.id().value());
                return new RenewalCommit.Applied(stored);
            }
            if (facts.nonceSeen() || !dialect.rememberNonce(c, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now())) {
                return new RenewalCommit.Replayed();
            }
            Agent stored = v.applyTo(agent, attempt.now());
            if (v instanceof RenewalVerdict.Renew) {
                Sql.update(c, "UPDATE hb_agent SET credential_generation = ?, renewal_nonce = ?, credential_issued_at = ?,"
                        + " credential_expires_at = ?, last_seen_at = ? WHERE org_id = ? AND id = ?", stored.credentialGeneration(), attempt.nonce(),
                        stored.credentialIssuedAt().orElseThrow(), stored.credentialExpiresAt().orElseThrow(), stored.lastSeenAt(), org,
                        agent.id().value());
            } else if (v instanceof RenewalVerdict.Change ch) {
                Sql.update(c, "UPDATE hb_agent SET status = ?, last_seen_at = ?, version = ? WHERE org_id = ? AND id = ?", ch.status().name(),
                        stored.lastSeenAt(), stored.version(), org, agent.id().value());
                JdbcAudit.insert(c, ch.audit());
            } else {
                Sql.update(c, "UPDATE hb_agent SET last_seen_at = ? WHERE org_id = ? AND id = ?", stored.lastSeenAt(), org, agent.id().value());
            }
            return new RenewalCommit.Applied(stored);
        });
    }

    // ---------------------------------------------------------------------------------------------- queries

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
