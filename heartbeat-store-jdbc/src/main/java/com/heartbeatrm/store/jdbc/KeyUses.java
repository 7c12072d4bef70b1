package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.store.jdbc.internal.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The conditional statements that count a use of an access key or of a single-use installer, and why a key refused
 * one: what an enrollment commits on, alone or in a batch of its key lane.
 */
final class KeyUses {
    private KeyUses() {
    }

    static Instant latest(List<KeyLanes.Member> members, List<Integer> indexes) {
        Instant t = members.get(indexes.get(0)).attempt.now();
        for (int i : indexes) {
            Instant at = members.get(i).attempt.now();
            if (at.isAfter(t)) {
                t = at;
            }
        }
        return t;
    }

    /**
     * Counts one use ({@code delta} 1) of an installer with a use limit if it has room, or gives one back ({@code -1}, the
     * key refused what the installer admitted). Its row lock queues concurrent enrollments of that one installer.
     */
    static boolean countInstallerUse(Connection c, String org, String installer, int delta) throws SQLException {
        return Sql.update(c, "UPDATE hb_installer SET use_count = use_count + ? WHERE org_id = ? AND id = ? AND max_uses IS NOT NULL"
                + " AND use_count + ? <= max_uses AND use_count + ? >= 0", delta, org, installer, delta, delta) == 1;
    }

    /** Counts {@code n} uses if the key still exists, is enabled and unexpired at {@code now}, points at the group and has room. */
    static boolean countUses(Connection c, String org, String keyId, String group, int n, Instant now, String lastAgent)
            throws SQLException {
        return Sql.update(c, COUNT_USES, countUsesParams(org, keyId, group, n, now, lastAgent)) == 1;
    }

    /** The conditional update of {@link #countUses}; its parameters are {@link #countUsesParams}. */
    static final String COUNT_USES = "UPDATE hb_access_key SET use_count = use_count + ?, last_used_at = ?, last_used_by = ?"
            + " WHERE org_id = ? AND id = ? AND group_id = ? AND disabled_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"
            + " AND (max_uses IS NULL OR use_count + ? <= max_uses)";

    static Object[] countUsesParams(String org, String keyId, String group, int n, Instant now, String lastAgent) {
        return new Object[] {n, now, lastAgent, org, keyId, group, now, n};
    }

    /** Why the conditional use did not count; empty when the key is usable (so it was re-pointed meanwhile). */
    static Optional<EnrollmentCommit.Reason> refusal(Connection c, String org, String keyId, Instant now) throws SQLException {
        Optional<AccessKey> key = JdbcKeys.row(c, org, keyId, false);
        return key.isEmpty() ? Optional.of(EnrollmentCommit.Reason.KEY_NOT_FOUND) : refusalOf(key.get(), now);
    }

    static Optional<EnrollmentCommit.Reason> refusalOf(AccessKey key, Instant now) {
        return switch (key.status(now)) {
            case DISABLED -> Optional.of(EnrollmentCommit.Reason.KEY_DISABLED);
            case EXPIRED -> Optional.of(EnrollmentCommit.Reason.KEY_EXPIRED);
            case EXHAUSTED -> Optional.of(EnrollmentCommit.Reason.KEY_EXHAUSTED);
            case ENABLED -> Optional.empty();
        };
    }
}
