package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The enrollment transaction of a key lane's batch (see {@link KeyLanes}); a lone enrollment runs in {@link JdbcAgents}. */
final class KeyBatches {
    private KeyBatches() {
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
    static void enroll(Sql sql, Dialect dialect, List<KeyLanes.Member> members, LaneFacts kept) {
        List<EnrollmentCommit> outcomes = (dialect == Dialect.POSTGRESQL ? sql.read(c -> AtOnceEnrollment.enroll(c, members, kept)) : Optional.<List<EnrollmentCommit>>empty())
                .orElseGet(() -> sql.inTransaction(c -> batchOnce(c, dialect, members)));
        for (int i = 0; i < members.size(); i++) {
            members.get(i).outcome = outcomes.get(i);
        }
    }

    private static List<EnrollmentCommit> batchOnce(Connection c, Dialect dialect, List<KeyLanes.Member> members) throws SQLException {
        EnrollmentCommit[] out = new EnrollmentCommit[members.size()];
        List<Integer> admitted = new ArrayList<>();
        List<EnrollmentVerdict.Admit> admits = new ArrayList<>();
        List<EnrollmentFacts> facts = FactReads.enrollment(c, dialect, members);
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
        java.util.Set<Integer> remembered = rememberNonces(c, dialect, members, remember);
        for (int i : remember) {
            KeyLanes.Member m = members.get(i);
            EnrollmentVerdict v = verdicts[i];
            if (!remembered.contains(i)) {
                out[i] = new EnrollmentCommit.DeniedAtCommit(EnrollmentCommit.Reason.REPLAYED);
            } else if (v instanceof EnrollmentVerdict.Existing e) {
                out[i] = new EnrollmentCommit.AlreadyEnrolled(e.agent());
            } else if (v instanceof EnrollmentVerdict.Lock lock) {
                out[i] = JdbcAgents.lock(c, lock);
            } else {
                EnrollmentVerdict.Admit admit = (EnrollmentVerdict.Admit) v;
                JdbcAgents.checkAdmission(m.attempt, admit.agent());
                if (facts.get(i).installer().map(ins -> ins.maxUses().isPresent()).orElse(false)) {
                    // An installer with a use limit is counted on its own row: such an enrollment runs alone.
                    throw new JdbcAgents.Undo(true);
                }
                if (!admits.isEmpty() && !admits.get(0).agent().groupId().equals(admit.agent().groupId())) {
                    throw new JdbcAgents.Undo(true);
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
                    throw new JdbcAgents.Undo(true);
                }
                long left = key.get().maxUses().isPresent() ? Math.max(0, key.get().maxUses().getAsLong() - key.get().useCount()) : n;
                take = (int) Math.min(left, n);
                if (take > 0 && !KeyUses.countUses(c, org, keyId, group, take, now, admits.get(take - 1).agent().id().value())) {
                    throw new JdbcAgents.Undo(true);
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
                    JdbcAgents.insertAgents(c, agents);
                } catch (SQLException e) {
                    if (Sql.isUniqueViolation(e)) {
                        throw new JdbcAgents.Undo(false);
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

    /**
     * Remembers the nonces of the members at {@code indexes} (distinct nonces); returns the indexes whose nonce was
     * remembered, the others' being live already. On PostgreSQL one upsert for all of them, whose {@code RETURNING}
     * names the rows it wrote; a nonce counts as expired when it expired by the earliest member's time (a nonce that
     * expires within the batch's few milliseconds is refused as a replay, never admitted twice). Elsewhere one
     * statement per nonce, as alone.
     */
    private static java.util.Set<Integer> rememberNonces(Connection c, Dialect dialect, List<KeyLanes.Member> members, List<Integer> indexes)
            throws SQLException {
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
        List<@Nullable Object> params = new ArrayList<>(indexes.size() * 2 + 1);
        java.util.Map<String, Integer> byNonce = new java.util.HashMap<>();
        for (int i : indexes) {
            byNonce.put(members.get(i).attempt.nonceKey(), i);
        }
        try (PreparedStatement ps = Sql.prepare(c, nonceUpsertSql(members, indexes, params), params.toArray()); ResultSet rs = ps.executeQuery()) {
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
     * PostgreSQL: one upsert of the nonces of the members at {@code indexes}, returning the nonces it wrote; its values
     * appended to {@code params}. A live nonce is left as it is (and not returned); one that expired by the earliest
     * member's time is taken over.
     */
    static String nonceUpsertSql(List<KeyLanes.Member> members, List<Integer> indexes, List<@Nullable Object> params) {
        StringBuilder q = new StringBuilder("INSERT INTO hb_nonce (nonce, expires_at) VALUES ");
        Instant earliest = members.get(indexes.get(0)).attempt.now();
        boolean first = true;
        for (int i : indexes) {
            EnrollmentAttempt a = members.get(i).attempt;
            q.append(first ? "(?, ?)" : ", (?, ?)");
            first = false;
            params.add(a.nonceKey());
            params.add(a.nonceExpiresAt());
            if (a.now().isBefore(earliest)) {
                earliest = a.now();
            }
        }
        q.append(" ON CONFLICT (nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE hb_nonce.expires_at <= ? RETURNING nonce");
        params.add(earliest);
        return q.toString();
    }
}
