package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL: a key lane's batch (or one enrollment alone) as one statement, when nothing about its members needs a
 * decision between the writes.
 *
 * <h2>Why</h2>
 * On one hot key the lane runs one batch at a time, so the rate is the batch's size over the batch's time, and that
 * time was round trips: facts, nonces, the key's use count, the agents, their audit rows, the commit (six, each a
 * wake-up of the database and then of our thread, a few hundred microseconds of work each). The common batch needs no
 * answer from one write to make the next: every member admitted, its nonce fresh, the key usable.
 *
 * <h2>How</h2>
 * The facts are read as the step-by-step transaction reads them (one statement for the batch, in auto-commit: a read
 * takes no transaction id and waits for no WAL flush) and judged. When every member is either denied (it writes
 * nothing) or admitted with a nonce the facts show unused, distinct within the batch, into the same group, without an
 * installer that counts its own uses, one statement writes everything, in auto-commit, so that the statement is the
 * transaction:
 * <pre>
 * WITH n AS (INSERT INTO hb_nonce ... ON CONFLICT ... DO UPDATE ... WHERE expired RETURNING nonce),
 *      k AS (UPDATE hb_access_key SET use_count = use_count + N ... WHERE usable AND room AND (SELECT count(*) FROM n) = N RETURNING 1),
 *      a AS (INSERT INTO hb_agent ...), e AS (INSERT INTO hb_audit ...)
 * SELECT 1 / count(*) FROM k
 * </pre>
 * Two round trips and one commit for the batch, where the step-by-step transaction takes six.
 *
 * <h2>What the statement re-checks, and how it refuses</h2>
 * The key's update counts only if every nonce was written (none was remembered meanwhile by another request) and the
 * key is still enabled, unexpired, pointed at the group and has room, re-checked on the newest row version when it
 * waited for another transaction's lock: a key disabled before the statement's commit admits nobody, as in the
 * step-by-step transaction. When it counted nothing, the division by zero fails the statement, and with it every write
 * of the statement: data-modifying sub-statements run to completion whatever the main query reads, so only an error
 * undoes them. A unique or foreign-key violation of the agents (the same agent key enrolled meanwhile, the group
 * deleted) fails it the same way. Either way nothing was written, and the caller runs the step-by-step transaction,
 * which reads the facts again and tells each member exactly why ({@link KeyBatches}, {@link JdbcAgents}). An existing
 * agent, a lock, a replay the facts show, an installer with a use limit, two members with one nonce or two groups go
 * step by step from the start.
 *
 * <p>What the facts decided and the statement does not re-check (the installer's revocation, the group's settings)
 * is read without a lock, as the step-by-step transaction reads it in READ COMMITTED: the same window, shorter by the
 * round trips saved.
 *
 * <h2>The next batch, judged on the last one's facts</h2>
 * On one hot key the facts a batch reads are almost all shared by every member and unchanged from the last batch: the
 * organization, the key, its group path, the installer and signing key the tokens name, the active signing key. What
 * is a member's own (an agent with its key, its throttle bucket, its nonce) is, for a fresh computer, nothing. So the
 * lane keeps the shared facts it last read ({@link LaneFacts}), and a batch whose members all name a kept installer and
 * signing key, and report no machine fingerprint, is judged on them, each member's own facts taken as nothing. If
 * every member is admitted, the statement above runs with one more part, {@code g}, a query that returns a row only if
 * every row those facts came from is unchanged ({@link #unchanged}): the key's update requires it, so a changed row
 * fails the statement like a used nonce does. A member's own facts, if they were not nothing, fail it too: its agent
 * key by the unique constraint, its nonce by the count, its throttle bucket by a condition of {@code g}. One round trip
 * and one commit for the batch.
 *
 * <p>Anything else reads the facts and goes on as above: a member denied or held on kept facts (a denial is only ever
 * decided on facts read for it), a statement refused (the kept facts are dropped), a member with an installer or
 * signing key the lane has not seen. The verdict that commits is therefore always one made on facts that were current in
 * the snapshot of the statement that wrote it: kept facts that changed cannot admit anyone. {@code KeptLaneFactsTest}
 * changes every kind of row between batches and checks each member's outcome against its facts as they are.
 */
final class AtOnceEnrollment {
    private static final Logger LOG = LoggerFactory.getLogger(AtOnceEnrollment.class);
    /**
     * The refusals the statement is built for: its own abort (division by zero), the agent key enrolled meanwhile
     * (unique), the group deleted (foreign key), a serialization failure or deadlock.
     */
    private static final Set<String> EXPECTED = Set.of("22012", "23505", "23503", "40001", "40P01");
    private static final java.util.concurrent.atomic.AtomicBoolean UNEXPECTED_SEEN = new java.util.concurrent.atomic.AtomicBoolean();

    private AtOnceEnrollment() {
    }

    /**
     * Enrolls {@code members} in one statement if they qualify; empty when they do not, or when the database refused
     * the statement (nothing was written then). {@code c} must be in auto-commit mode, else empty. A lost connection
     * throws: the statement's outcome is unknown. When {@code kept} holds the lane's facts and each member's can be made
     * from them, the members are judged on those first, and the statement checks the rows they came from (one round
     * trip instead of two); when that statement is refused, or a member was not admitted on them, the facts are read and
     * the members judged again, as without kept facts.
     */
    static Optional<List<EnrollmentCommit>> enroll(Connection c, List<KeyLanes.Member> members, LaneFacts kept) throws SQLException {
        if (!c.getAutoCommit()) {
            return Optional.empty();
        }
        Optional<LaneFacts.Judgeable> judgeable = kept.factsFor(members);
        if (judgeable.isPresent()) {
            Written done = write(c, members, judgeable.get().facts(), judgeable.get().shared());
            if (done.outcomes != null) {
                return Optional.of(done.outcomes);
            }
            if (done.refused) {
                kept.forget(members.get(0).attempt, judgeable.get().shared());
            }
            // Refused, or a member not admitted on kept facts (a denial is never decided on them): read them.
        }
        List<EnrollmentFacts> facts = FactReads.enrollment(c, Dialect.POSTGRESQL, members);
        kept.remember(members, facts);
        return Optional.ofNullable(write(c, members, facts, null).outcomes);
    }

    /** What {@link #write} did: the outcomes, or none because a member did not qualify, or because the statement was refused. */
    private static final class Written {
        static final Written NOT_TAKEN = new Written(null, false);
        static final Written REFUSED = new Written(null, true);
        final @Nullable List<EnrollmentCommit> outcomes;
        final boolean refused;

        Written(@Nullable List<EnrollmentCommit> outcomes, boolean refused) {
            this.outcomes = outcomes;
            this.refused = refused;
        }
    }

    /**
     * Judges the members on {@code facts} and writes every admitted one in one statement. With {@code shared} (facts
     * made from kept ones), only when every member is admitted, and the statement also checks that the rows those came
     * from are unchanged.
     */
    private static Written write(Connection c, List<KeyLanes.Member> members, List<EnrollmentFacts> facts,
            LaneFacts.@Nullable Shared shared) throws SQLException {
        EnrollmentCommit[] out = new EnrollmentCommit[members.size()];
        List<Integer> admitted = new ArrayList<>();
        List<Agent> agents = new ArrayList<>();
        List<AuditEvent> events = new ArrayList<>();
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            KeyLanes.Member m = members.get(i);
            EnrollmentVerdict v;
            try {
                v = m.judge.judge(facts.get(i));
            } catch (RuntimeException e) {
                if (shared == null) {
                    throw e;
                }
                // The judge refused the kept facts themselves (say, a group path that is no chain): drop them and read.
                // If the facts as read make it throw too, that reaches the caller as before.
                return Written.REFUSED;
            }
            if (v instanceof EnrollmentVerdict.Deny && shared == null) {
                out[i] = new EnrollmentCommit.Denied();
                continue;
            }
            if (!(v instanceof EnrollmentVerdict.Admit admit) || facts.get(i).nonceSeen() || !nonces.add(m.attempt.nonceKey())
                    || facts.get(i).installer().map(ins -> ins.maxUses().isPresent()).orElse(false)
                    || (!agents.isEmpty() && !agents.get(0).groupId().equals(admit.agent().groupId()))) {
                return Written.NOT_TAKEN;
            }
            JdbcAgents.checkAdmission(m.attempt, admit.agent());
            admitted.add(i);
            agents.add(admit.agent().withVersion(0));
            events.add(admit.audit());
        }
        if (admitted.isEmpty()) {
            return new Written(List.of(out), false);
        }
        EnrollmentAttempt first = members.get(admitted.get(0)).attempt;
        int n = agents.size();
        // Each part appends its values to params in the order its text comes in.
        List<@Nullable Object> params = new ArrayList<>(n * 32 + 30);
        StringBuilder q = new StringBuilder("WITH n AS (").append(KeyBatches.nonceUpsertSql(members, admitted, params)).append(")");
        if (shared != null) {
            q.append(", g AS (").append(unchanged(shared, members, params)).append(")");
        }
        q.append(", k AS (").append(KeyUses.COUNT_USES).append(" AND (SELECT count(*) FROM n) = ?");
        if (shared != null) {
            q.append(" AND EXISTS (SELECT 1 FROM g)");
        }
        q.append(" RETURNING 1), a AS (");
        params.addAll(java.util.Arrays.asList(KeyUses.countUsesParams(first.organization().value(), first.key().value(),
                agents.get(0).groupId().value(), n, KeyUses.latest(members, admitted), agents.get(n - 1).id().value())));
        params.add(n);
        q.append(JdbcAgents.insertAgentsSql(agents, params)).append("), e AS (");
        q.append(JdbcAudit.insertAllSql(events, params)).append(") SELECT 1 / count(*) FROM k");
        try (PreparedStatement ps = Sql.prepare(c, q.toString(), params.toArray()); ResultSet rs = ps.executeQuery()) {
            rs.next();
        } catch (SQLException e) {
            if (Sql.isTransient(e)) {
                // The connection failed: the statement may have committed with its answer lost, or not run at all, and
                // nothing here can tell. Step by step would read its nonces and refuse an enrolled agent as a replay;
                // this is a transient store error, as a commit whose answer was lost always was.
                throw e;
            }
            // The database refused the statement, which was its own transaction: nothing was written. The step-by-step
            // path says why, member by member.
            if (EXPECTED.contains(String.valueOf(e.getSQLState())) || !UNEXPECTED_SEEN.compareAndSet(false, true)) {
                LOG.debug("{} enrollments at once not taken (SQLSTATE {}): step by step", n, e.getSQLState());
            } else {
                // Not a race the statement is built to lose (privileges, a schema that drifted): every batch would now pay
                // for a failed statement before it runs step by step. Said once per process.
                LOG.warn("enrollment in one statement refused with SQLSTATE {}: enrollments run step by step", e.getSQLState());
            }
            return Written.REFUSED;
        }
        for (int j = 0; j < n; j++) {
            out[admitted.get(j)] = new EnrollmentCommit.Enrolled(agents.get(j));
        }
        return new Written(List.of(out), false);
    }

    /**
     * A query that returns one row when every row the kept facts came from is as kept, none otherwise: the organization;
     * the key by version (its use count is the statement's own condition); each group of the path by version, and the
     * key group's materialized path, so that the kept path is the group's path now, not only a list of current rows;
     * each member's installer by
     * version; each member's signing key still there; the same active signing key; no member's throttle bucket blocked
     * at the earliest member's time. What a member's own facts would have shown otherwise (its agent key enrolled, its
     * nonce used) fails the statement by the agent key's unique constraint and the nonce count.
     */
    static String unchanged(LaneFacts.Shared shared, List<KeyLanes.Member> members, List<@Nullable Object> params) {
        String org = shared.organization.id().value();
        StringBuilder q = new StringBuilder("SELECT 1 AS ok WHERE EXISTS (SELECT 1 FROM hb_organization WHERE id = ?)");
        params.add(org);
        q.append(" AND (SELECT version FROM hb_access_key WHERE org_id = ? AND id = ?) = ?");
        params.add(org);
        params.add(shared.key.id().value());
        params.add(shared.key.version());
        q.append(" AND (SELECT count(*) FROM hb_group WHERE org_id = ? AND (id, version) IN (");
        params.add(org);
        for (int i = 0; i < shared.groupPath.size(); i++) {
            q.append(i == 0 ? "(?, ?)" : ", (?, ?)");
            params.add(shared.groupPath.get(i).id().value());
            params.add(shared.groupPath.get(i).version());
        }
        q.append(")) = ?");
        params.add(shared.groupPath.size());
        q.append(" AND EXISTS (SELECT 1 FROM hb_group WHERE org_id = ? AND id = ? AND path = ?)");
        params.add(org);
        params.add(shared.key.groupId().value());
        params.add(shared.keyGroupPath());
        java.util.Map<String, Long> installers = new java.util.TreeMap<>();
        Set<String> signingKeys = new java.util.TreeSet<>();
        Set<String> buckets = new java.util.TreeSet<>();
        java.time.Instant earliest = members.get(0).attempt.now();
        for (KeyLanes.Member m : members) {
            installers.put(m.attempt.installer().value(),
                    java.util.Objects.requireNonNull(shared.installers.get(m.attempt.installer().value()), "kept: facts were made from it").version());
            signingKeys.add(m.attempt.signingKeyId());
            m.attempt.throttleBucket().ifPresent(buckets::add);
            if (m.attempt.now().isBefore(earliest)) {
                earliest = m.attempt.now();
            }
        }
        q.append(" AND (SELECT count(*) FROM hb_installer WHERE org_id = ? AND (id, version) IN (");
        params.add(org);
        boolean next = false;
        for (java.util.Map.Entry<String, Long> e : installers.entrySet()) {
            q.append(next ? ", (?, ?)" : "(?, ?)");
            next = true;
            params.add(e.getKey());
            params.add(e.getValue());
        }
        q.append(")) = ?");
        params.add(installers.size());
        q.append(" AND (SELECT count(*) FROM hb_signing_key WHERE id IN (").append(String.join(", ", java.util.Collections.nCopies(signingKeys.size(), "?")))
                .append(")) = ?");
        params.addAll(signingKeys);
        params.add(signingKeys.size());
        if (shared.activeSigningKeyId.isPresent()) {
            q.append(" AND (SELECT MIN(id) FROM hb_signing_key WHERE status = 'ACTIVE') = ?");
            params.add(shared.activeSigningKeyId.get());
        } else {
            q.append(" AND (SELECT MIN(id) FROM hb_signing_key WHERE status = 'ACTIVE') IS NULL");
        }
        if (!buckets.isEmpty()) {
            q.append(" AND NOT EXISTS (SELECT 1 FROM hb_throttle WHERE bucket IN (").append(String.join(", ", java.util.Collections.nCopies(buckets.size(), "?")))
                    .append(") AND blocked_until > ?)");
            params.addAll(buckets);
            params.add(earliest);
        }
        return q.toString();
    }
}
