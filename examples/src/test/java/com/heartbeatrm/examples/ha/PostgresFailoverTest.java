package com.heartbeatrm.examples.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentIdentity;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.agent.EnrollmentClient;
import com.heartbeatrm.agent.EnrollmentClientException;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.examples.ha.PostgresPair.Replication;
import com.heartbeatrm.examples.server.ReferenceServer;
import com.heartbeatrm.examples.server.TestServers;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * High availability as the README describes it: the server's pool connects through a multi-host JDBC URL
 * ({@code targetServerType=primary}) to a PostgreSQL primary and its standby (two throwaway clusters, see
 * {@link PostgresPair}); the primary is killed while agents enroll, and the standby is promoted.
 *
 * <p>Synchronous standby: service resumes within a bounded time, every enrollment an agent saw acknowledged is in
 * the promoted database and renews, and an agent whose attempt got no answer retries with its kept key and ends up
 * with exactly one identity. Asynchronous standby that missed the last enrollments: those agents hold credentials
 * the promoted database knows nothing of; their renewal is refused {@code agent_not_found}, and an agent that still
 * has its installer enrolls again as a new agent (protocol.md section 7).
 *
 * <p>The figures it prints ({@code ha:} lines) are the ones the README's "High availability" section quotes.
 */
@DisplayName("PostgreSQL failover under load")
class PostgresFailoverTest {
    private static final boolean CI = "true".equals(System.getenv("CI"));
    private static final Actor ALICE = Actor.of("alice");
    private static final int AGENTS_IN_PARALLEL = 8;
    /** How long after the kill the standby is promoted, as a failover manager's detection would take. */
    private static final Duration FAILURE_DETECTION = Duration.ofSeconds(3);
    /** How long service may take to resume after the standby is promoted before the test fails. */
    private static final Duration RESUME_BOUND = Duration.ofSeconds(20);

    /** One deployment: the database pair, the server's pool on the multi-host URL, the server over HTTP on loopback. */
    private static final class Site implements AutoCloseable {
        final PostgresPair pg;
        final HikariDataSource pool;
        final HeartbeatServer hb;
        final ReferenceServer server;
        final URI base;
        final NewOrganization org;
        final PinnedKeySet issuerKeys;
        /** The key the fleet's agents enroll through. */
        final AccessKey fleetKey;
        /** The fleet's installer. */
        final VerifiedEnrollmentToken fleetInstaller;
        /** The installer of the probe that measures when enrollments are answered again. */
        final VerifiedEnrollmentToken probeInstaller;

        Site(PostgresPair pg) throws Exception {
            this.pg = pg;
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(pg.multiHostUrl());
            config.setUsername("postgres");
            config.setMaximumPoolSize(8);
            // As serve's pool (Deployment): while no node is primary, a request waits at most 1.5 s, then is answered 503.
            config.setConnectionTimeout(1_500);
            config.setValidationTimeout(1_000);
            pool = new HikariDataSource(config);
            JdbcHeartbeatStore store = JdbcHeartbeatStore.create(pool);
            store.migrate();
            hb = TestServers.heartbeat(store);
            server = TestServers.builder(hb).build().start();
            base = URI.create("http://127.0.0.1:" + server.port() + "/v1/");
            org = hb.admin().organizations().setUp(ALICE, "Acme MSP");
            issuerKeys = hb.signingKeys().publicKeySet();
            fleetKey = key("fleet");
            fleetInstaller = installer(fleetKey);
            probeInstaller = installer(key("probe"));
        }

        AccessKey key(String name) {
            return hb.admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder(name, org.rootGroup().id()).build());
        }

        VerifiedEnrollmentToken installer(AccessKey key) throws Exception {
            var issued = hb.installers().issueToken(ALICE, org.id(), key.id(), InstallerRequest.builder().endpoints(List.of(base)).build());
            return EnrollmentTokenVerifier.builder(issuerKeys).build().verify(issued.token());
        }

        /** An agent's client: retries an unreachable or unavailable server 10 rounds, 200 ms doubling to 1 s. */
        EnrollmentClient client(KeptIdentity store) {
            return client(store, new AtomicInteger());
        }

        /** The same, counting in {@code retryRounds} each wait before a retry round (each follows an unanswered attempt). */
        EnrollmentClient client(KeptIdentity store, AtomicInteger retryRounds) {
            EnrollmentClient.Builder b = EnrollmentClient.builder(issuerKeys).connectTimeout(Duration.ofSeconds(2))
                    .requestTimeout(Duration.ofSeconds(20)).retries(10, Duration.ofMillis(200), Duration.ofSeconds(1))
                    .sleeper(d -> {
                        retryRounds.incrementAndGet();
                        Thread.sleep(d.toMillis());
                    });
            return (store == null ? b : b.identityStore(store)).build();
        }

        /** A transaction on the primary that holds {@code key}'s row: an enrollment through that key waits for it. */
        Connection holdRow(AccessKey key) throws Exception {
            Connection c = DriverManager.getConnection(pg.nodeUrl(pg.primaryPort()), "postgres", "");
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM hb_access_key WHERE org_id = ? AND id = ? FOR UPDATE")) {
                s.setString(1, org.id().value());
                s.setString(2, key.id().value());
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                }
            }
            return c;
        }

        /**
         * Waits (at most 30 s) until at least {@code count} backends of the primary wait for a lock, then half a second
         * more for others to queue; returns how many wait then.
         */
        int awaitEnrollmentsWaiting(int count) throws Exception {
            String sql = "SELECT count(*)::text FROM pg_stat_activity WHERE datname = '" + PostgresPair.DATABASE + "' AND wait_event_type = 'Lock'";
            for (int i = 0; i < 600; i++) {
                if (Integer.parseInt(PostgresPair.query(pg.primaryPort(), "postgres", sql)) >= count) {
                    Thread.sleep(500);
                    return Integer.parseInt(PostgresPair.query(pg.primaryPort(), "postgres", sql));
                }
                Thread.sleep(50);
            }
            throw new AssertionError("fewer than " + count + " enrollments wait for the held row after 30 s");
        }

        /** Agent id by key fingerprint, for {@code key}, read from the node on {@code port} alone. */
        Map<String, String> agentsOn(int port, AccessKey key) throws Exception {
            Map<String, String> byFingerprint = new HashMap<>();
            try (Connection c = DriverManager.getConnection(pg.nodeUrl(port), "postgres", "");
                    PreparedStatement s = c.prepareStatement("SELECT fingerprint, id FROM hb_agent WHERE org_id = ? AND access_key_id = ?")) {
                s.setString(1, org.id().value());
                s.setString(2, key.id().value());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        assertThat(byFingerprint.put(rs.getString(1).strip(), rs.getString(2))).as("one row per key").isNull();
                    }
                }
            }
            return byFingerprint;
        }

        /** Stops the server and its pool; the database pair is the caller's. */
        @Override
        // try-with-resources closes the pool after the server, whether or not the server's close throws.
        @SuppressWarnings("try")
        public void close() {
            try (HikariDataSource ds = pool) {
                server.close();
            }
        }
    }

    /** One agent's enrollment as it went: what it got, when it started and ended, the keys its store kept. */
    private record Enrolled(AgentIdentity identity, long startedNanos, long endedNanos, int calls, int retryRounds, List<String> keysKept) {
        boolean retried() {
            return calls > 1 || retryRounds > 0;
        }
    }

    private static Path binaries() {
        Optional<Path> bin = PostgresPair.binaries();
        if (bin.isEmpty()) {
            String message = "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (initdb, pg_ctl, pg_basebackup)";
            if (CI) {
                throw new AssertionError(message + "; CI=true requires them (.ci/run installs postgresql)");
            }
            Assumptions.abort(message + ": apt-get install postgresql to run this test");
        }
        return bin.get();
    }

    @Test
    @DisplayName("synchronous standby: answers resume, no acknowledged enrollment is lost, retried ones enroll once")
    void synchronousStandby() throws Exception {
        try (PostgresPair pg = PostgresPair.start(binaries(), Replication.SYNCHRONOUS); Site site = new Site(pg)) {
            AccessKey fleetKey = site.fleetKey;
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Enrolled> acknowledged = new ConcurrentLinkedQueue<>();
            ExecutorService agents = Executors.newFixedThreadPool(AGENTS_IN_PARALLEL + 1);
            List<Future<?>> running = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            for (int w = 0; w < AGENTS_IN_PARALLEL; w++) {
                int worker = w;
                running.add(agents.submit(() -> {
                    enrollUntilStopped(site, site.fleetInstaller, worker, stop, deadline, acknowledged);
                    return null;
                }));
            }
            try {
                // Load before the failure.
                awaitCount(acknowledged, 40, deadline, running);
                Thread.sleep(1_000);
                int beforeKill = acknowledged.size();

                // Enrollments in flight when the primary dies: hold the key's row, so they wait in the database.
                Connection holder = site.holdRow(fleetKey);
                int waiting = site.awaitEnrollmentsWaiting(1);
                long killed = System.nanoTime();
                site.pg.killPrimary();
                closeQuietly(holder);
                // From the kill on, a probe enrolls new agents until the server answers 200 again.
                long probeUntil = System.nanoTime() + FAILURE_DETECTION.toNanos() + RESUME_BOUND.toNanos() * 2;
                Future<Probe> probing = agents.submit(() -> probeUntilEnrolled(site, site.probeInstaller, probeUntil));
                // What a failover manager takes to decide the primary is gone; meanwhile requests are answered 503.
                Thread.sleep(FAILURE_DETECTION.toMillis());
                long promoteStarted = System.nanoTime();
                site.pg.promoteStandby();
                long promoted = System.nanoTime();
                assertThat(site.pg.inRecovery(site.pg.standbyPort())).as("the standby was promoted").isFalse();
                Probe probe = probing.get(RESUME_BOUND.toSeconds() * 3, TimeUnit.SECONDS);
                long resumed = probe.answeredAt;
                assertThat(resumed).as("no enrollment is admitted while no node is primary").isGreaterThan(promoteStarted);
                assertThat(probe.refusals).as("the probe was refused while no node was primary").isPositive();
                int atResume = acknowledged.size();
                awaitCount(acknowledged, atResume + 40, deadline, running);
                stop.set(true);
                for (Future<?> f : running) {
                    f.get(90, TimeUnit.SECONDS);
                }

                List<Enrolled> all = List.copyOf(acknowledged);
                List<Enrolled> inFlight = all.stream().filter(e -> e.startedNanos < killed && e.endedNanos > killed).toList();
                List<Enrolled> retried = all.stream().filter(Enrolled::retried).toList();
                long firstAgentAnswer = all.stream().mapToLong(Enrolled::endedNanos).filter(t -> t > promoteStarted).min().orElseThrow();

                // Every acknowledged agent is in the promoted database, under the id its credential names, exactly once.
                Map<String, String> promotedDb = site.agentsOn(site.pg.standbyPort(), fleetKey);
                Map<String, String> expected = new HashMap<>();
                for (Enrolled e : all) {
                    assertThat(e.keysKept).as("the agent kept one enrollment key across its retries").hasSize(1)
                            .containsExactly(e.identity.keys().fingerprint());
                    assertThat(expected.put(e.identity.keys().fingerprint(), e.identity.agentId())).isNull();
                }
                assertThat(promotedDb).as("agents of the key in the promoted database").isEqualTo(expected);
                assertThat(site.hb.admin().accessKeys().require(site.org.id(), fleetKey.id()).useCount())
                        .as("uses counted: one per agent").isEqualTo(all.size());
                assertThat(inFlight).as("agents whose enrollment was in flight at the kill").isNotEmpty();
                assertThat(retried).as("agents that retried an unanswered attempt").isNotEmpty();

                // And every one of them renews against the promoted database.
                EnrollmentClient renewer = site.client(null);
                ExecutorService renewals = Executors.newFixedThreadPool(AGENTS_IN_PARALLEL);
                try {
                    List<Future<EnrollmentClient.Outcome>> outcomes = new ArrayList<>();
                    for (Enrolled e : all) {
                        outcomes.add(renewals.submit(() -> renewer.renew(e.identity)));
                    }
                    for (Future<EnrollmentClient.Outcome> o : outcomes) {
                        EnrollmentClient.Outcome outcome = o.get(60, TimeUnit.SECONDS);
                        assertThat(outcome.status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
                        assertThat(outcome.identity().generation()).isEqualTo(2);
                    }
                } finally {
                    renewals.shutdownNow();
                }
                assertThat(site.agentsOn(site.pg.standbyPort(), fleetKey)).as("renewals made no agent").hasSize(all.size());

                System.out.printf("ha: synchronous standby: %d enrollments acknowledged (%d before the kill), 0 lost, "
                        + "%d in flight at the kill (%d of them waiting in the database), "
                        + "%d agents retried unanswered attempts (%d rounds), each enrolled once; "
                        + "promoted %d ms after the kill, promotion took %d ms; "
                        + "first answer %d ms after the kill, %d ms after promotion, first agent's %d ms after promotion "
                        + "(the probe saw %d failed attempts meanwhile, by HTTP status, 0 for none: %s); %d renewals on the promoted node%n",
                        all.size(), beforeKill, inFlight.size(), waiting, retried.size(), retried.stream().mapToInt(Enrolled::retryRounds).sum(),
                        ms(promoteStarted - killed), ms(promoted - promoteStarted), ms(resumed - killed), ms(resumed - promoted),
                        ms(firstAgentAnswer - promoted), probe.refusals, probe.statuses, all.size());
                assertThat(resumed - promoted).as("service resumed within %s of the promotion", RESUME_BOUND)
                        .isLessThan(RESUME_BOUND.toNanos());
            } finally {
                stop.set(true);
                agents.shutdownNow();
                assertThat(agents.awaitTermination(60, TimeUnit.SECONDS)).as("agent threads ended").isTrue();
            }
        }
    }

    @Test
    @DisplayName("asynchronous standby that missed the last enrollments: those agents are refused agent_not_found and enroll again")
    void asynchronousStandbyLosesTheLastEnrollments() throws Exception {
        try (PostgresPair pg = PostgresPair.start(binaries(), Replication.ASYNCHRONOUS); Site site = new Site(pg)) {
            AccessKey key = site.fleetKey;
            List<AgentIdentity> replicated = enrollSome(site, site.fleetInstaller, "replicated", 4);
            site.pg.awaitStandbyReplayed();
            site.pg.detachStandby();
            // Acknowledged by the primary; an asynchronous standby never confirmed them: four enrollments, one renewal.
            List<AgentIdentity> unreplicated = enrollSome(site, site.fleetInstaller, "unreplicated", 4);
            EnrollmentClient renewer = site.client(null);
            AgentIdentity renewedThenLost = renewer.renew(replicated.get(0)).identity();
            assertThat(renewedThenLost.generation()).isEqualTo(2);
            assertThat(site.agentsOn(site.pg.primaryPort(), key)).hasSize(8);

            site.pg.killPrimary();
            site.pg.promoteStandby();
            long promoted = System.nanoTime();
            Probe probe = probeUntilEnrolled(site, site.probeInstaller, promoted + RESUME_BOUND.toNanos());
            Map<String, String> promotedDb = site.agentsOn(site.pg.standbyPort(), key);
            assertThat(promotedDb.values()).as("the promoted database has the replicated agents only")
                    .containsExactlyInAnyOrderElementsOf(replicated.stream().map(AgentIdentity::agentId).toList());
            assertThat(site.hb.admin().accessKeys().require(site.org.id(), key.id()).useCount()).as("the lost uses are not counted").isEqualTo(4);

            for (AgentIdentity a : replicated.subList(1, replicated.size())) {
                assertThat(renewer.renew(a).identity().generation()).isEqualTo(2);
            }
            // A lost renewal costs nothing: the agent presents a generation newer than the database's and gets the next.
            assertThat(renewer.renew(renewedThenLost).identity().generation()).isEqualTo(3);
            List<String> reEnrolled = new ArrayList<>();
            for (int i = 0; i < unreplicated.size(); i++) {
                AgentIdentity lost = unreplicated.get(i);
                // Its credential verifies (the signing key was replicated), but the agent it names does not exist.
                KeptIdentity state = new KeptIdentity();
                state.save(lost);
                EnrollmentClient client = site.client(state);
                assertThatThrownBy(() -> client.renew(lost)).isInstanceOfSatisfying(EnrollmentClientException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.REFUSED);
                    assertThat(e.denialCode()).contains(DenialCode.AGENT_NOT_FOUND);
                });
                // What protocol.md section 7 has the agent do: forget the identity, enroll again with its installer.
                state.delete();
                EnrollmentClient.Outcome again = client.enroll(site.fleetInstaller, facts("again-" + i));
                assertThat(again.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
                assertThat(again.identity().agentId()).as("a new agent").isNotEqualTo(lost.agentId());
                assertThat(client.renew(again.identity()).status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
                reEnrolled.add(again.identity().agentId());
            }
            Map<String, String> afterwards = site.agentsOn(site.pg.standbyPort(), key);
            assertThat(afterwards).hasSize(8);
            assertThat(afterwards.values()).containsAll(reEnrolled)
                    .doesNotContainAnyElementsOf(unreplicated.stream().map(AgentIdentity::agentId).toList());
            System.out.printf("ha: asynchronous standby detached before %d enrollments: all %d acknowledged, lost on promotion; "
                    + "their renewals were refused agent_not_found; %d enrolled again as new agents; the %d replicated ones renewed, "
                    + "one from the generation of its lost renewal; "
                    + "first answer %d ms after promotion%n", unreplicated.size(), unreplicated.size(), reEnrolled.size(), replicated.size(),
                    ms(probe.answeredAt - promoted));
        }
    }

    private static void enrollUntilStopped(Site site, VerifiedEnrollmentToken installer, int worker, AtomicBoolean stop, long deadline,
            ConcurrentLinkedQueue<Enrolled> acknowledged) throws Exception {
        KeptIdentity state = new KeptIdentity();
        AtomicInteger retryRounds = new AtomicInteger();
        EnrollmentClient client = site.client(state, retryRounds);
        for (int n = 0; !stop.get(); n++) {
            state.delete();
            retryRounds.set(0);
            AgentFacts facts = facts("w" + worker + "-" + n);
            long started = System.nanoTime();
            for (int calls = 1; ; calls++) {
                try {
                    EnrollmentClient.Outcome o = client.enroll(installer, facts);
                    assertThat(o.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
                    acknowledged.add(new Enrolled(o.identity(), started, System.nanoTime(), calls, retryRounds.get(), state.keysGiven()));
                    break;
                } catch (EnrollmentClientException e) {
                    // Unanswered (the database was away longer than the client's retries): the agent tries again later.
                    boolean retryable = e.kind() == EnrollmentClientException.Kind.UNAVAILABLE
                            || e.kind() == EnrollmentClientException.Kind.UNREACHABLE;
                    if (!retryable || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
        }
    }

    private static List<AgentIdentity> enrollSome(Site site, VerifiedEnrollmentToken installer, String prefix, int count) throws Exception {
        List<AgentIdentity> enrolled = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EnrollmentClient.Outcome o = site.client(new KeptIdentity()).enroll(installer, facts(prefix + "-" + i));
            assertThat(o.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
            enrolled.add(o.identity());
        }
        return enrolled;
    }

    private record Probe(long answeredAt, int refusals, Map<Integer, Integer> statuses) {
    }

    /** Sends enrollments of new agents until one is answered 200; each other answer (or none) is counted. */
    private static Probe probeUntilEnrolled(Site site, VerifiedEnrollmentToken installer, long until) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Map<Integer, Integer> statuses = new HashMap<>();
        int refusals = 0;
        while (System.nanoTime() < until) {
            byte[] body = EnrollmentRequest.create(installer.token(), AgentKeyPair.generate(), facts("probe"), Clock.systemUTC()).toJson();
            int status;
            try {
                status = http.send(HttpRequest.newBuilder(site.base.resolve("enroll")).timeout(Duration.ofSeconds(5))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (java.io.IOException e) {
                status = 0;
            }
            if (status == 200) {
                return new Probe(System.nanoTime(), refusals, statuses);
            }
            refusals++;
            statuses.merge(status, 1, Integer::sum);
            Thread.sleep(20);
        }
        throw new AssertionError("no enrollment answered 200 within the bound; answers meanwhile: " + statuses);
    }

    /** Waits for {@code count} acknowledged enrollments; an agent thread that failed fails the test at once. */
    private static void awaitCount(ConcurrentLinkedQueue<Enrolled> acknowledged, int count, long deadline, List<Future<?>> agents)
            throws Exception {
        while (acknowledged.size() < count) {
            for (Future<?> f : agents) {
                if (f.isDone()) {
                    f.get();
                    throw new AssertionError("an agent thread ended before it was stopped");
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + acknowledged.size() + " enrollments acknowledged before the deadline, not " + count);
            }
            Thread.sleep(20);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (java.sql.SQLException gone) {
            // its server was killed
        }
    }

    private static AgentFacts facts(String host) {
        return new AgentFacts(host, "linux", "6.1", "1.0", Optional.empty());
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
