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
     * throws: the statement's outcome is unknown.
     */
    static Optional<List<EnrollmentCommit>> enroll(Connection c, List<KeyLanes.Member> members) throws SQLException {
        if (!c.getAutoCommit()) {
            return Optional.empty();
        }
        List<EnrollmentFacts> facts = FactReads.enrollment(c, Dialect.POSTGRESQL, members);
        EnrollmentCommit[] out = new EnrollmentCommit[members.size()];
        List<Integer> admitted = new ArrayList<>();
        List<Agent> agents = new ArrayList<>();
        List<AuditEvent> events = new ArrayList<>();
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            KeyLanes.Member m = members.get(i);
            EnrollmentVerdict v = m.judge.judge(facts.get(i));
            if (v instanceof EnrollmentVerdict.Deny) {
                out[i] = new EnrollmentCommit.Denied();
                continue;
            }
            if (!(v instanceof EnrollmentVerdict.Admit admit) || facts.get(i).nonceSeen() || !nonces.add(m.attempt.nonceKey())
                    || facts.get(i).installer().map(ins -> ins.maxUses().isPresent()).orElse(false)
                    || (!agents.isEmpty() && !agents.get(0).groupId().equals(admit.agent().groupId()))) {
                return Optional.empty();
            }
            JdbcAgents.checkAdmission(m.attempt, admit.agent());
            admitted.add(i);
            agents.add(admit.agent().withVersion(0));
            events.add(admit.audit());
        }
        if (admitted.isEmpty()) {
            return Optional.of(List.of(out));
        }
        EnrollmentAttempt first = members.get(admitted.get(0)).attempt;
        int n = agents.size();
        // Each part appends its values to params in the order its text comes in.
        List<@Nullable Object> params = new ArrayList<>(n * 32 + 10);
        StringBuilder q = new StringBuilder("WITH n AS (").append(KeyBatches.nonceUpsertSql(members, admitted, params)).append("), k AS (")
                .append(KeyUses.COUNT_USES).append(" AND (SELECT count(*) FROM n) = ? RETURNING 1), a AS (");
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
            return Optional.empty();
        }
        for (int j = 0; j < n; j++) {
            out[admitted.get(j)] = new EnrollmentCommit.Enrolled(agents.get(j));
        }
        return Optional.of(List.of(out));
    }
}
