package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import com.heartbeatrm.core.spi.RenewalAttempt;
import com.heartbeatrm.core.spi.RenewalFacts;
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
import org.jspecify.annotations.Nullable;

/**
 * The first read of the enrollment and renewal transactions: everything the judge needs, by the statements of
 * {@link FactQueries}, and the key's group path by {@link JdbcGroups#pathOf}. A lone enrollment reads its facts in one
 * statement, a key lane's batch all its members' in one more (see {@link KeyBatches}); a renewal's read locks the
 * agent row (see {@link JdbcRenewals}).
 */
final class FactReads {
    private FactReads() {
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

        EnrollmentFacts facts(List<Group> path, Instant now, List<Agent> sameMachine) {
            return new EnrollmentFacts(Optional.ofNullable(organization), Optional.ofNullable(installer), signingKnown, Optional.ofNullable(key),
                    path, Optional.ofNullable(existing), blockedAfter(blocked, now), nonce != null && Sql.instant(nonce).isAfter(now),
                    Optional.ofNullable(active), sameMachine);
        }
    }

    private static Object[] factParams(EnrollmentAttempt a) {
        String org = a.organization().value();
        return new Object[] {a.signingKeyId(), a.throttleBucket().orElse(null), a.nonceKey(), org, org, a.installer().value(), org, a.key().value(),
            org, a.agentFingerprint()};
    }

    static EnrollmentFacts enrollment(Connection c, EnrollmentAttempt a) throws SQLException {
        FactRow row;
        try (PreparedStatement ps = Sql.prepare(c, FactQueries.ENROLLMENT, factParams(a)); ResultSet rs = ps.executeQuery()) {
            rs.next();
            row = FactRow.of(rs);
        }
        Group keyGroup = row.keyGroup();
        List<Group> path = keyGroup == null ? List.of() : JdbcGroups.pathOf(c, a.organization().value(), keyGroup, row.pathOfKeyGroup());
        return row.facts(path, a.now(), sameMachine(c, a));
    }

    /**
     * Every member's facts in one statement ({@link FactQueries#enrollmentBatch}), and their key's group path once: the
     * same facts as a lone enrollment reads, in one round trip for the batch instead of one per member.
     */
    static List<EnrollmentFacts> enrollment(Connection c, List<KeyLanes.Member> members) throws SQLException {
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
            out.add(row.facts(path, a.now(), sameMachine(c, a)));
        }
        return out;
    }

    /**
     * Every member's facts, by the dialect's best statement: on PostgreSQL, for two members or more,
     * {@link FactQueries#enrollmentLane} (a plan that does not grow with the batch, the shared rows read and decoded
     * once); elsewhere, and for one member, {@link FactQueries#enrollmentBatch}, which for one member is the lone
     * enrollment's statement (cheaper than the lane's for one: 0.155 against 0.18 ms a statement under pgbench; even at
     * two; the lane's cheaper from three). The members share one organization and one key (a {@link KeyLanes} batch).
     */
    static List<EnrollmentFacts> enrollment(Connection c, Dialect dialect, List<KeyLanes.Member> members) throws SQLException {
        return dialect == Dialect.POSTGRESQL && members.size() > 1 ? enrollmentLane(c, members) : enrollment(c, members);
    }

    /** {@link FactQueries#enrollmentLane}: the members share one organization and one key. */
    static List<EnrollmentFacts> enrollmentLane(Connection c, List<KeyLanes.Member> members) throws SQLException {
        int n = members.size();
        if (n == 0) {
            return List.of();
        }
        EnrollmentAttempt first = members.get(0).attempt;
        String org = first.organization().value();
        // org, org, key, the five columns of n values each, org, org
        @Nullable Object[] params = new Object[5 * n + 5];
        params[0] = org;
        params[1] = org;
        params[2] = first.key().value();
        for (int i = 0; i < n; i++) {
            EnrollmentAttempt a = members.get(i).attempt;
            if (!a.organization().equals(first.organization()) || !a.key().equals(first.key())) {
                throw new IllegalArgumentException("a lane's members share one organization and one key");
            }
            params[3 + i] = a.installer().value();
            params[3 + n + i] = a.signingKeyId();
            params[3 + 2 * n + i] = a.throttleBucket().orElse(null);
            params[3 + 3 * n + i] = a.nonceKey();
            params[3 + 4 * n + i] = a.agentFingerprint();
        }
        params[3 + 5 * n] = org;
        params[4 + 5 * n] = org;
        @Nullable Organization organization = null;
        @Nullable AccessKey key = null;
        @Nullable Group keyGroup = null;
        @Nullable String groupPath = null;
        @Nullable String active = null;
        FactRow[] rows = new FactRow[n];
        try (PreparedStatement ps = Sql.prepare(c, FactQueries.enrollmentLane(n), params); ResultSet rs = ps.executeQuery()) {
            @Nullable InstallerRecord installer = null;
            boolean shared = false;
            while (rs.next()) {
                if (!shared) {
                    // The same row in every member's: one statement, one snapshot.
                    organization = Rows.organization(rs, "o_");
                    key = Rows.accessKey(rs, "k_");
                    keyGroup = Rows.group(rs, "g_");
                    groupPath = rs.getString("g_path");
                    active = rs.getString("sk_active");
                    shared = true;
                }
                String installerId = rs.getString("i_id");
                if (installerId == null) {
                    installer = null;
                } else if (installer == null || !installer.id().value().equals(installerId)) {
                    // Members of one batch mostly come from one installer: decoded once per run of equal ids.
                    installer = Rows.installer(rs, "i_");
                }
                // the row a lone enrollment's statement would have read for this member
                rows[rs.getInt("m_index")] = new FactRow(organization, installerId == null ? null : installer, key, keyGroup, groupPath,
                        Rows.agent(rs, "a_"), rs.getString("sk_id") != null, active, Sql.longOrNull(rs, "th_blocked"), Sql.longOrNull(rs, "n_expires"));
            }
        }
        List<Group> path = keyGroup == null ? List.of() : JdbcGroups.pathOf(c, org, keyGroup, rows[0].pathOfKeyGroup());
        List<EnrollmentFacts> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            EnrollmentAttempt a = members.get(i).attempt;
            out.add(Objects.requireNonNull(rows[i], "a member without its facts row").facts(path, a.now(), sameMachine(c, a)));
        }
        return out;
    }

    /** The organization's agents of the attempt's machine, read only when it reported one (an indexed lookup). */
    private static List<Agent> sameMachine(Connection c, EnrollmentAttempt a) throws SQLException {
        Optional<String> machine = a.machineFingerprint();
        return machine.isEmpty() ? List.of() : JdbcAgents.byMachine(c, a.organization().value(), machine.get());
    }

    private static Optional<Instant> blockedAfter(@Nullable Long blocked, Instant now) {
        return blocked == null || !Sql.instant(blocked).isAfter(now) ? Optional.empty() : Optional.of(Sql.instant(blocked));
    }

    // ---------------------------------------------------------------------------------------------- renewal

    // The result set is closed before JdbcGroups.pathOf queries the same connection again; the second close by
    // try-with-resources is then a no-op.
    @SuppressWarnings("try")
    static RenewalFacts renewal(Connection c, Dialect dialect, RenewalAttempt a) throws SQLException {
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
}
