package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import com.heartbeatrm.core.spi.EnrollmentJudge;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.store.jdbc.internal.Sql;
import com.heartbeatrm.store.jdbc.internal.Tables;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's read of a key lane's facts ({@code FactQueries.enrollmentLane}: the shared rows once, each member's by
 * arrays) against the read every other dialect uses, the union of one {@code FactQueries.ENROLLMENT} per member, as
 * the oracle: on random batches over a database that holds each kind of row (an installer live, revoked or unknown; a
 * signing key active, retired or unknown, and no active key at all; a throttle bucket blocked, expired or absent; a nonce
 * live, expired or fresh; an agent key enrolled or not; a key on a nested group, on the root, unknown, or of an
 * organization that does not exist; another organization's installer and agent under ids the members name), both give
 * equal facts for every member, on batches of 1 to the lane's largest.
 */
@DisplayName("PostgreSQL: a key lane's facts by arrays equal the facts read member by member")
class LaneFactsTest {
    private static final Actor ALICE = Actor.of("alice");
    private static final int TRIALS = 300;

    private static final class World implements AutoCloseable {
        final Databases.Fresh fresh;
        final Tables tables;
        final JdbcHeartbeatStore store;
        final HeartbeatAdmin admin;
        final NewOrganization org;
        final List<AccessKey> keys = new ArrayList<>();
        final List<String> installers = new ArrayList<>();
        final List<String> signingKeys = List.of("hbs_" + "K".repeat(22), "hbs_" + "U".repeat(22), "hbs_" + "R".repeat(22));
        final List<Optional<String>> buckets = List.of(Optional.empty(), Optional.of("ip:10.0.0.1"), Optional.of("ip:10.0.0.2"),
                Optional.of("ip:10.0.0.3"));
        final List<String> nonces = List.of("nlive" + "A".repeat(20), "ngone" + "A".repeat(20));
        final List<String> fingerprints = new ArrayList<>();
        final Instant now = Instant.now();

        final Optional<String> schema;
        final NewOrganization other;

        World(Optional<String> schema) {
            this.schema = schema;
            fresh = schema.isEmpty() ? Databases.migrated("postgresql", 2) : Databases.empty("postgresql", 2);
            if (schema.isEmpty()) {
                tables = Tables.defaults();
                store = JdbcHeartbeatStore.create(fresh.dataSource());
            } else {
                tables = Tables.of("acme_", schema);
                store = JdbcHeartbeatStore.builder(fresh.dataSource()).tablePrefix("acme_").schema(schema.get()).build();
                store.migrate();
            }
            admin = HeartbeatAdmin.of(store, java.time.Clock.systemUTC());
            org = admin.organizations().setUp(ALICE, "Acme");
            Group site = admin.groups().create(ALICE, org.id(), org.rootGroup().id(), "Site");
            Group floor = admin.groups().create(ALICE, org.id(), site.id(), "Floor");
            keys.add(org.defaultKey());
            keys.add(admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("floor", floor.id()).build()));
            String o = org.id().value();
            for (AccessKey k : keys) {
                for (int i = 0; i < 2; i++) {
                    String id = InstallerId.random().value();
                    installers.add(id);
                    run("INSERT INTO hb_installer (org_id, id, access_key_id, signing_key_id, issued_at, issued_by, format, version, revoked_at,"
                            + " revoked_by, revoked_reason, max_uses) VALUES (?, ?, ?, ?, ?, 'alice', 'token', 0, ?, ?, ?, ?)", o, id, k.id().value(),
                            signingKeys.get(0), Sql.nanos(now), i == 1 ? Sql.nanos(now) : null, i == 1 ? "alice" : null, i == 1 ? "lost" : null,
                            i == 1 ? 5L : null);
                }
            }
            installers.add(InstallerId.random().value());
            run("INSERT INTO hb_signing_key (id, public_key, wrapped_private_key, kek_id, status, created_at) VALUES (?, ?, 'x', 'kek', 'ACTIVE', ?)",
                    signingKeys.get(0), "A".repeat(43), Sql.nanos(now));
            run("INSERT INTO hb_signing_key (id, public_key, wrapped_private_key, kek_id, status, created_at, retired_at)"
                    + " VALUES (?, ?, 'x', 'kek', 'RETIRED', ?, ?)", signingKeys.get(2), "B".repeat(43), Sql.nanos(now), Sql.nanos(now));
            run("INSERT INTO hb_throttle (bucket, failures, blocked_until) VALUES (?, 3, ?)", buckets.get(1).get(), Sql.nanos(now.plusSeconds(60)));
            run("INSERT INTO hb_throttle (bucket, failures, blocked_until) VALUES (?, 1, ?)", buckets.get(2).get(), Sql.nanos(now.minusSeconds(60)));
            for (int i = 0; i < 4; i++) {
                fingerprints.add(fingerprint(i));
            }
            // Two agent keys enrolled (one per key), two not.
            for (int i = 0; i < 2; i++) {
                EnrollmentAttempt a = attempt(keys.get(i), installers.get(2 * i), signingKeys.get(0), Optional.empty(), "nseed" + i + "A".repeat(20),
                        fingerprints.get(i));
                ((JdbcAgents) store.agents()).enrollBatch(List.of(new KeyLanes.Member(a, admitting(a))));
            }
            // Another organization with rows under ids Acme's members name: an installer with the id Acme does not have
            // (installers' last), an agent with a key Acme has not enrolled (fingerprints 2). A read that forgot the
            // organization would find them.
            other = admin.organizations().setUp(ALICE, "Other");
            run("INSERT INTO hb_installer (org_id, id, access_key_id, signing_key_id, issued_at, issued_by, format, version)"
                    + " VALUES (?, ?, ?, ?, ?, 'alice', 'token', 0)", other.id().value(), installers.get(installers.size() - 1),
                    other.defaultKey().id().value(), signingKeys.get(0), Sql.nanos(now));
            EnrollmentAttempt elsewhere = new EnrollmentAttempt(other.id(), InstallerId.random(), other.defaultKey().id(), signingKeys.get(0),
                    fingerprints.get(2), "nother" + "A".repeat(20), now.plusSeconds(300), now, Optional.empty());
            ((JdbcAgents) store.agents()).enrollBatch(List.of(new KeyLanes.Member(elsewhere, admitting(elsewhere))));
            // Nonces are remembered under the agent key: live and expired ones for every fingerprint.
            for (String fp : fingerprints) {
                EnrollmentAttempt probe = attempt(keys.get(0), installers.get(0), signingKeys.get(0), Optional.empty(), nonces.get(0), fp);
                run("INSERT INTO hb_nonce (nonce, expires_at) VALUES (?, ?)", probe.nonceKey(), Sql.nanos(now.plusSeconds(300)));
                EnrollmentAttempt gone = attempt(keys.get(0), installers.get(0), signingKeys.get(0), Optional.empty(), nonces.get(1), fp);
                run("INSERT INTO hb_nonce (nonce, expires_at) VALUES (?, ?)", gone.nonceKey(), Sql.nanos(now.minusSeconds(1)));
            }
        }

        EnrollmentAttempt attempt(AccessKey key, String installer, String signingKey, Optional<String> bucket, String nonce, String fp) {
            return new EnrollmentAttempt(key.organizationId(), new InstallerId(installer), key.id(), signingKey, fp, nonce, now.plusSeconds(300), now,
                    bucket);
        }

        void run(String sql, Object... params) {
            try (Connection c = connection()) {
                Sql.update(c, sql, params);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        Connection connection() throws SQLException {
            return tables.wrap(fresh.dataSource().getConnection());
        }

        @Override
        public void close() {
            try {
                schema.ifPresent(s -> Databases.exec(fresh.dataSource(), "DROP SCHEMA " + s + " CASCADE"));
            } finally {
                fresh.close();
            }
        }
    }

    private static String fingerprint(int i) {
        byte[] b = new byte[32];
        new Random(i).nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static EnrollmentJudge admitting(EnrollmentAttempt a) {
        return facts -> {
            AccessKey key = facts.key().orElseThrow();
            Agent agent = new Agent(AgentId.random(), key.organizationId(), key.groupId(), AgentStatus.ACTIVE, a.now(), key.id(),
                    Optional.of(a.installer()), "pc", Platform.LINUX, a.agentFingerprint(), a.now(), 1, Optional.of(a.now()),
                    Optional.of(a.now().plusSeconds(86400)), 0);
            return new EnrollmentVerdict.Admit(agent, AuditEvent.of(a.now(), key.organizationId(), Actor.SYSTEM, AuditAction.AGENT_ENROLLED,
                    Subject.of(agent.id()), Map.of(), Map.of()));
        };
    }

    private static <T> T pick(Random r, List<T> from) {
        return from.get(r.nextInt(from.size()));
    }

    private static void compare(World w, long seed) throws SQLException {
        Random r = new Random(seed);
        AccessKey unknown = new AccessKey(AccessKeyId.random(), w.org.id(), "gone", w.org.rootGroup().id(), false, w.now, ALICE, Optional.empty(),
                java.util.OptionalLong.empty(), 0, Optional.empty(), Optional.empty(), com.heartbeatrm.core.KeyRestrictions.NONE, Optional.empty(), 0);
        // a key of an organization that does not exist (the key's id is Acme's default key's)
        AccessKey noOrg = new AccessKey(w.org.defaultKey().id(), com.heartbeatrm.core.OrganizationId.random(), "nobody's", w.org.rootGroup().id(), false,
                w.now, ALICE, Optional.empty(), java.util.OptionalLong.empty(), 0, Optional.empty(), Optional.empty(),
                com.heartbeatrm.core.KeyRestrictions.NONE, Optional.empty(), 0);
        try (Connection c = w.connection()) {
            for (int t = 0; t < TRIALS; t++) {
                int which = r.nextInt(10);
                AccessKey key = which == 0 ? unknown : which == 1 ? noOrg : pick(r, w.keys);
                // mostly the batches a lane makes under load, sometimes up to the lane's largest
                int n = 1 + (r.nextInt(5) == 0 ? r.nextInt(KeyLanes.MAX_BATCH) : r.nextInt(8));
                List<KeyLanes.Member> members = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String nonce = r.nextInt(3) == 0 ? "n-" + Long.toHexString(r.nextLong()) + "0000000000000000" : pick(r, w.nonces);
                    EnrollmentAttempt a = w.attempt(key, pick(r, w.installers), pick(r, w.signingKeys), pick(r, w.buckets), nonce, pick(r, w.fingerprints));
                    members.add(new KeyLanes.Member(a, admitting(a)));
                }
                List<EnrollmentFacts> byArrays = FactReads.enrollmentLane(c, members);
                List<EnrollmentFacts> oneByOne = FactReads.enrollment(c, members);
                assertThat(byArrays).as("seed %d, trial %d", seed, t).isEqualTo(oneByOne);
            }
        }
    }

    @Test
    @DisplayName("random batches: equal facts, member by member, with the default table names")
    void equalFacts() throws SQLException {
        try (World w = new World(Optional.empty())) {
            long seed = new Random().nextLong();
            compare(w, seed);
            // and with no active signing key
            w.run("UPDATE hb_signing_key SET status = 'RETIRED', retired_at = ?", Sql.nanos(w.now));
            compare(w, seed + 1);
            w.run("UPDATE hb_signing_key SET status = 'ACTIVE', retired_at = NULL WHERE id = ?", w.signingKeys.get(0));
            // the read saw each kind of row at least once
            try (Connection c = w.connection()) {
                EnrollmentAttempt seen = w.attempt(w.keys.get(1), w.installers.get(3), w.signingKeys.get(0), w.buckets.get(1), w.nonces.get(0),
                        w.fingerprints.get(1));
                EnrollmentFacts f = FactReads.enrollmentLane(c, List.of(new KeyLanes.Member(seen, admitting(seen)))).get(0);
                assertThat(f.installer()).hasValueSatisfying(i -> assertThat(i.revoked()).isPresent());
                assertThat(f.existingAgent()).isPresent();
                assertThat(f.signingKeyKnown()).isTrue();
                assertThat(f.blockedUntil()).isPresent();
                assertThat(f.nonceSeen()).isTrue();
                assertThat(f.groupPath()).hasSize(3);
                assertThat(f.activeSigningKeyId()).contains(w.signingKeys.get(0));
                // the other organization's installer and agent under ids this member names are not this member's
                EnrollmentAttempt foreign = w.attempt(w.keys.get(0), w.installers.get(w.installers.size() - 1), w.signingKeys.get(2), Optional.empty(),
                        w.nonces.get(1), w.fingerprints.get(2));
                EnrollmentFacts g = FactReads.enrollmentLane(c, List.of(new KeyLanes.Member(foreign, admitting(foreign)))).get(0);
                assertThat(g.installer()).isEmpty();
                assertThat(g.existingAgent()).isEmpty();
                assertThat(g.signingKeyKnown()).isTrue();
                assertThat(g.nonceSeen()).isFalse();
            }
        }
    }

    @Test
    @DisplayName("random batches: equal facts under a table prefix and a schema")
    void equalFactsPrefixed() throws SQLException {
        try (World w = new World(Optional.of("hbl_" + Long.toHexString(System.nanoTime() & 0xffffff)))) {
            compare(w, new Random().nextLong());
        }
    }

    @Test
    @DisplayName("a batch that mixes keys is refused before anything is read")
    void oneKeyPerLane() throws SQLException {
        try (World w = new World(Optional.empty()); Connection c = w.connection()) {
            EnrollmentAttempt a = w.attempt(w.keys.get(0), w.installers.get(0), w.signingKeys.get(0), Optional.empty(), w.nonces.get(0),
                    w.fingerprints.get(2));
            EnrollmentAttempt b = w.attempt(w.keys.get(1), w.installers.get(0), w.signingKeys.get(0), Optional.empty(), w.nonces.get(0),
                    w.fingerprints.get(3));
            assertThatThrownBy(() -> FactReads.enrollmentLane(c, List.of(new KeyLanes.Member(a, admitting(a)), new KeyLanes.Member(b, admitting(b)))))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
