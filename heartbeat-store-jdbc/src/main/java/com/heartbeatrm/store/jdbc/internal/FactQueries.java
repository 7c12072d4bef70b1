package com.heartbeatrm.store.jdbc.internal;

/**
 * The reads that fetch everything one enrollment or renewal decides on, in one statement each. Public for the
 * benchmark's plain-SQL ceiling, which runs these very statements without the store's code.
 */
public final class FactQueries {
    /** Whether the signing key is known, the active key, the throttle and the nonce: read by both transactions. */
    private static final String SHARED = ", (SELECT COUNT(*) FROM hb_signing_key WHERE id = ?) AS sk_known"
            + ", (SELECT MIN(id) FROM hb_signing_key WHERE status = 'ACTIVE') AS sk_active"
            + ", (SELECT blocked_until FROM hb_throttle WHERE bucket = ?) AS th_blocked"
            + ", (SELECT expires_at FROM hb_nonce WHERE nonce = ?) AS n_expires";
    private static final String RENEWAL = "SELECT " + Rows.aliased("a", Rows.AGENT) + ", " + Rows.aliased("o", Rows.ORGANIZATION) + ", "
            + Rows.aliased("g", Rows.GROUP) + SHARED;

    /** The enrollment's facts: organization, installer, key, its group and an agent with the same key, by parameters. */
    public static final String ENROLLMENT = "SELECT " + Rows.aliased("o", Rows.ORGANIZATION) + ", " + Rows.aliased("i", Rows.INSTALLER)
            + ", " + Rows.aliased("k", Rows.ACCESS_KEY) + ", " + Rows.aliased("g", Rows.GROUP) + ", " + Rows.aliased("a", Rows.AGENT) + SHARED
            + " FROM (SELECT 1 AS one) x"
            + " LEFT JOIN hb_organization o ON o.id = ?"
            + " LEFT JOIN hb_installer i ON i.org_id = ? AND i.id = ?"
            + " LEFT JOIN hb_access_key k ON k.org_id = ? AND k.id = ?"
            + " LEFT JOIN hb_group g ON g.org_id = k.org_id AND g.id = k.group_id"
            + " LEFT JOIN hb_agent a ON a.org_id = ? AND a.fingerprint = ?";

    /**
     * The enrollment facts of {@code n} attempts in one statement: {@link #ENROLLMENT} once per attempt, each row
     * tagged with its attempt's index in column {@code m_index} (0 to n - 1), its parameters in attempt order.
     */
    public static String enrollmentBatch(int n) {
        if (n < 1 || n > 1000) {
            throw new IllegalArgumentException("batch of " + n);
        }
        String one = ENROLLMENT.substring("SELECT ".length());
        StringBuilder q = new StringBuilder(n * (one.length() + 40));
        for (int i = 0; i < n; i++) {
            q.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i).append(" AS m_index, ").append(one);
        }
        return q.toString();
    }

    /**
     * PostgreSQL: the enrollment facts of {@code n} attempts of a key lane's batch (one organization, one access key) in
     * one statement whose plan does not grow with {@code n}. The organization, the key, its group and the active
     * signing key are read once; each member's own facts (installer, the signing key its token names, an agent with
     * its key, its throttle bucket, its nonce) are joined to one row per element of five arrays, tagged {@code m_index}
     * (0 to n - 1). Every row repeats the shared columns; a reader needs them from one row only.
     *
     * <p>Parameters: org, org, key, then the {@code n} installer ids, the {@code n} signing key ids, the {@code n}
     * throttle buckets (null for none), the {@code n} nonce keys and the {@code n} agent fingerprints, then org, org.
     *
     * <p>The arrays are written out ({@code ARRAY[?, ?]}), not bound as one array parameter each: the planner counts
     * the elements of either form in a plan made for the values (a custom plan), but only of this one in the plan made
     * once for any values (the generic plan). With array parameters, the generic plan assumed 10 members, cost more
     * than a custom plan for 4, and every execution was planned anew.
     *
     * @param n the batch's size, 1 to {@value #MAX_LANE}
     * @return the statement
     */
    public static String enrollmentLane(int n) {
        if (n < 1 || n > MAX_LANE) {
            throw new IllegalArgumentException("batch of " + n);
        }
        String cached = LANE[n];
        if (cached != null) {
            return cached;
        }
        String array = "ARRAY[" + String.join(", ", java.util.Collections.nCopies(n, "?")) + "]::varchar[]";
        String q = "SELECT m.ord - 1 AS m_index, s.*, " + Rows.aliased("i", Rows.INSTALLER) + ", "
                + Rows.aliased("a", Rows.AGENT) + ", sk.id AS sk_id, th.blocked_until AS th_blocked, nn.expires_at AS n_expires"
                + " FROM (SELECT " + Rows.aliased("o", Rows.ORGANIZATION) + ", " + Rows.aliased("k", Rows.ACCESS_KEY) + ", "
                + Rows.aliased("g", Rows.GROUP) + ", (SELECT MIN(id) FROM hb_signing_key WHERE status = 'ACTIVE') AS sk_active"
                + " FROM (SELECT 1 AS one) x"
                + " LEFT JOIN hb_organization o ON o.id = ?"
                + " LEFT JOIN hb_access_key k ON k.org_id = ? AND k.id = ?"
                + " LEFT JOIN hb_group g ON g.org_id = k.org_id AND g.id = k.group_id) s"
                + " CROSS JOIN unnest(" + String.join(", ", java.util.Collections.nCopies(5, array)) + ") WITH ORDINALITY"
                + " AS m(installer, sk, bucket, nonce, fp, ord)"
                + " LEFT JOIN hb_installer i ON i.org_id = ? AND i.id = m.installer"
                + " LEFT JOIN hb_agent a ON a.org_id = ? AND a.fingerprint = m.fp"
                + " LEFT JOIN hb_signing_key sk ON sk.id = m.sk"
                + " LEFT JOIN hb_throttle th ON th.bucket = m.bucket"
                + " LEFT JOIN hb_nonce nn ON nn.nonce = m.nonce";
        LANE[n] = q;
        return q;
    }

    /** The largest batch {@link #enrollmentLane} reads. */
    public static final int MAX_LANE = 1000;
    private static final String[] LANE = new String[MAX_LANE + 1];

    /** PostgreSQL: the renewal's facts, locking the agent row and nothing else, in one statement. */
    public static final String RENEWAL_LOCKED = RENEWAL
            + " FROM hb_agent a JOIN hb_organization o ON o.id = a.org_id JOIN hb_group g ON g.org_id = a.org_id AND g.id = a.group_id"
            + " WHERE a.org_id = ? AND a.id = ? FOR UPDATE OF a";

    /** Elsewhere: the same facts without the lock, after the agent row was locked by its own statement. */
    public static final String RENEWAL_UNLOCKED = RENEWAL
            + " FROM (SELECT 1 AS one) x LEFT JOIN hb_agent a ON a.org_id = ? AND a.id = ?"
            + " LEFT JOIN hb_organization o ON o.id = a.org_id LEFT JOIN hb_group g ON g.org_id = a.org_id AND g.id = a.group_id";

    private FactQueries() {
    }
}
