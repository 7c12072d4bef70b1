package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.spi.RenewalAttempt;
import com.heartbeatrm.core.spi.RenewalCommit;
import com.heartbeatrm.core.spi.RenewalFacts;
import com.heartbeatrm.core.spi.RenewalJudge;
import com.heartbeatrm.core.spi.RenewalVerdict;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The renewal transaction.
 *
 * <h2>Design</h2>
 * The agent row is locked by the read that fetches the facts (on PostgreSQL one statement, {@code FOR UPDATE OF}
 * the agent only), so renewals of one agent are applied one at a time and the judge decides on the current
 * generation; the generation, the renewal nonce and a lock are written in the same transaction.
 */
final class JdbcRenewals {
    /**
     * PostgreSQL: the nonce remembered ({@link Dialect#rememberNonce}'s upsert) and the agent written in one statement,
     * the update conditional on the upsert's row, so a live nonce changes nothing and counts 0. One statement on the wire
     * instead of two: each costs the server's JDBC driver CPU.
     */
    private static final String REMEMBER = "WITH n AS (INSERT INTO hb_nonce (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO UPDATE"
            + " SET expires_at = EXCLUDED.expires_at WHERE hb_nonce.expires_at <= ? RETURNING 1) UPDATE hb_agent SET ";
    private static final String RENEW_REMEMBERING = REMEMBER + "credential_generation = ?, renewal_nonce = ?, credential_issued_at = ?,"
            + " credential_expires_at = ?, last_seen_at = ? WHERE org_id = ? AND id = ? AND EXISTS (SELECT 1 FROM n)";
    private static final String SEEN_REMEMBERING = REMEMBER + "last_seen_at = ? WHERE org_id = ? AND id = ? AND EXISTS (SELECT 1 FROM n)";

    private final Sql sql;
    private final Dialect dialect;

    JdbcRenewals(Sql sql, Dialect dialect) {
        this.sql = sql;
        this.dialect = dialect;
    }

    /** {@link #REMEMBER}: false, changing nothing, for a live nonce. */
    private static boolean rememberAndWrite(Connection c, RenewalAttempt attempt, RenewalVerdict v, Agent stored) throws SQLException {
        String org = stored.organizationId().value();
        String id = stored.id().value();
        int n = v instanceof RenewalVerdict.Renew
                ? Sql.update(c, RENEW_REMEMBERING, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now(), stored.credentialGeneration(), attempt.nonce(),
                        stored.credentialIssuedAt().orElseThrow(), stored.credentialExpiresAt().orElseThrow(), stored.lastSeenAt(), org, id)
                : Sql.update(c, SEEN_REMEMBERING, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now(), stored.lastSeenAt(), org, id);
        return n == 1;
    }

    /** Runs one renewal: reads the facts, locking the agent, lets {@code judge} decide, and writes what it decided. */
    RenewalCommit renew(RenewalAttempt attempt, RenewalJudge judge) {
        return sql.inTransaction(c -> {
            RenewalFacts facts = FactReads.renewal(c, dialect, attempt);
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
            if (facts.nonceSeen()) {
                return new RenewalCommit.Replayed();
            }
            Agent stored = v.applyTo(agent, attempt.now());
            if (dialect == Dialect.POSTGRESQL && !(v instanceof RenewalVerdict.Change)) {
                return rememberAndWrite(c, attempt, v, stored) ? new RenewalCommit.Applied(stored) : new RenewalCommit.Replayed();
            }
            if (!dialect.rememberNonce(c, attempt.nonceKey(), attempt.nonceExpiresAt(), attempt.now())) {
                return new RenewalCommit.Replayed();
            }
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
}
