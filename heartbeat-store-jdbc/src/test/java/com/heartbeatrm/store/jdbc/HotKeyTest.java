package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.enrollment.DenialReason;
import com.heartbeatrm.enrollment.Denied;
import com.heartbeatrm.enrollment.EnrollmentResult;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many computers running one installer at once: enrollments on one access key share transactions (key lanes), and
 * every guarantee of a single enrollment holds. Through the real pipeline, on every database.
 */
@DisplayName("a hot access key")
class HotKeyTest {
    private static final Actor ALICE = Actor.of("alice");
    private static final int CLIENTS = 64;

    private record Sent(String fingerprint, EnrollmentResult result) {
    }

    private static List<Sent> enrollAtOnce(Node node, List<byte[]> bodies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(bodies.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Sent>> futures = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i++) {
                byte[] body = bodies.get(i);
                InetAddress from = InetAddress.getByName("198.51." + (100 + i / 200) + "." + (1 + i % 200));
                futures.add(pool.submit(() -> {
                    go.await();
                    String fp = EnrollmentRequest.parse(body).publicKeyFingerprint();
                    return new Sent(fp, node.server.enroll(body, node.server.contextFor(from)));
                }));
            }
            go.countDown();
            List<Sent> out = new ArrayList<>();
            for (Future<Sent> f : futures) {
                out.add(f.get(120, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<AuditRecord> enrolledEvents(Node node, NewOrganization org) {
        return node.audit(org.id()).stream().filter(r -> r.event().action() == AuditAction.AGENT_ENROLLED).toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    @DisplayName("64 at once on a key with 10 uses left: exactly 10 agents, each answer its own, the others exhausted")
    void exactCountAndOwnAnswers(String db) throws Exception {
        try (CountedAcme acme = new CountedAcme(db, ALICE)) {
            AccessKey key = acme.node.admin.accessKeys().create(ALICE, acme.org.id(), AccessKeySpec.builder("push", acme.org.rootGroup().id()).maxUses(12).build());
            EnrollmentToken token = acme.node.token(ALICE, acme.org.id(), key.id());
            acme.node.server.enroll(Node.request(token, "before-1"), acme.node.server.contextFor(InetAddress.getByName("192.0.2.1")));
            acme.node.server.enroll(Node.request(token, "before-2"), acme.node.server.contextFor(InetAddress.getByName("192.0.2.2")));
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                bodies.add(Node.request(token, AgentKeyPair.generate(), "pc-" + i));
            }
            acme.counting.reset();
            List<Sent> sent = enrollAtOnce(acme.node, bodies);

            List<Sent> enrolled = sent.stream().filter(s -> s.result() instanceof EnrollmentResult.Enrolled).toList();
            assertThat(enrolled).hasSize(10);
            for (Sent s : enrolled) {
                EnrollmentResult.Enrolled e = (EnrollmentResult.Enrolled) s.result();
                assertThat(e.agent().publicKeyFingerprint()).as("the answer is this agent's own").isEqualTo(s.fingerprint());
                assertThat(e.placement().agentId()).isEqualTo(e.agent().id().value());
            }
            assertThat(sent).filteredOn(s -> !(s.result() instanceof EnrollmentResult.Enrolled))
                    .allSatisfy(s -> assertThat(((Denied) s.result()).reason()).isEqualTo(DenialReason.KEY_EXHAUSTED));
            assertThat(acme.node.admin.accessKeys().require(acme.org.id(), key.id()).useCount()).isEqualTo(12);
            assertThat(acme.node.store.agents().listByKey(acme.org.id(), key.id(), PageRequest.first(100)).items()).hasSize(12);
            assertThat(enrolledEvents(acme.node, acme.org)).hasSize(12);
            assertThat(((JdbcAgents) acme.node.store.agents()).openLanes()).as("lanes retire when idle").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    @DisplayName("64 at once on an unlimited key, with replays and one agent twice: every distinct agent once, batched commits")
    void batchedWithReplays(String db) throws Exception {
        try (CountedAcme acme = new CountedAcme(db, ALICE)) {
            AccessKey key = acme.org.defaultKey();
            EnrollmentToken token = acme.node.token(ALICE, acme.org.id(), key.id());
            acme.node.server.enroll(Node.request(token, "warm-up"), acme.node.server.contextFor(InetAddress.getByName("192.0.2.1")));
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < CLIENTS - 8; i++) {
                bodies.add(Node.request(token, AgentKeyPair.generate(), "pc-" + i));
            }
            for (int i = 0; i < 4; i++) {
                bodies.add(bodies.get(i)); // the very same request again: a replay
            }
            AgentKeyPair twice = AgentKeyPair.generate();
            for (int i = 0; i < 4; i++) {
                bodies.add(Node.request(token, twice, "twice")); // one computer, four fresh requests
            }
            acme.counting.reset();
            // The first commit waits until every other request has queued behind it, so that batching does not depend
            // on how the threads happen to be scheduled (on a loaded machine they may arrive one by one).
            CountDownLatch firstCommit = acme.counting.holdNextCommit();
            JdbcAgents agents = (JdbcAgents) acme.node.store.agents();
            Thread releaser = new Thread(() -> {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (agents.queuedInLanes() < CLIENTS - 1 && System.nanoTime() < until) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        break;
                    }
                }
                firstCommit.countDown();
            });
            releaser.start();
            List<Sent> sent = enrollAtOnce(acme.node, bodies);
            releaser.join(60_000);
            int commits = acme.counting.commits.get();
            int statements = acme.counting.statements.get();

            Set<String> distinct = new HashSet<>();
            sent.forEach(s -> distinct.add(s.fingerprint()));
            assertThat(distinct).hasSize(CLIENTS - 8 + 1);
            for (Sent s : sent) {
                if (s.result() instanceof EnrollmentResult.Enrolled e) {
                    assertThat(e.agent().publicKeyFingerprint()).isEqualTo(s.fingerprint());
                } else {
                    assertThat(((Denied) s.result()).reason()).as(s.fingerprint()).isEqualTo(DenialReason.REPLAYED);
                }
            }
            // Each distinct computer has exactly one agent, whichever of its requests won; a repeat gets that same agent.
            for (String fp : distinct) {
                List<String> ids = sent.stream().filter(s -> s.fingerprint().equals(fp) && s.result() instanceof EnrollmentResult.Enrolled)
                        .map(s -> ((EnrollmentResult.Enrolled) s.result()).agent().id().value()).distinct().toList();
                assertThat(ids).as(fp).hasSize(1);
                assertThat(acme.node.store.agents().findByPublicKeyFingerprint(acme.org.id(), fp)).isPresent();
            }
            assertThat(acme.node.admin.accessKeys().require(acme.org.id(), key.id()).useCount()).isEqualTo(1 + distinct.size());
            assertThat(enrolledEvents(acme.node, acme.org)).hasSize(1 + distinct.size());
            assertThat(commits).as("enrollments on one key share commits").isLessThan(CLIENTS / 2);
            System.out.printf("%s: %d requests on one key in %d commits, %d statements%n", db, CLIENTS, commits, statements);
            if (db.equals("postgresql")) {
                // A batch reads its members' facts with one statement and, when every member qualifies, writes with one
                // more (its commit): its round trips do not grow with its size (before batches read their facts
                // together: 2n + 3 per batch, 146-167 here). A replay or a repeated agent key sends a batch step by step
                // (a handful more). How many batches form depends on scheduling, so the bound is per request.
                assertThat(statements).as("statements for %d enrollments on one key in %d commits", CLIENTS, commits)
                        .isLessThan(CLIENTS);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgresql", "h2"})
    @DisplayName("a key disabled during a push: nothing after the disable gets in, use count equals agents")
    void disabledDuringAPush(String db) throws Exception {
        try (Databases.Fresh fresh = Databases.migrated(db, 4)) {
            Node node = new Node(fresh.dataSource());
            NewOrganization org = node.admin.organizations().setUp(ALICE, "Acme MSP");
            AccessKey key = org.defaultKey();
            EnrollmentToken token = node.token(ALICE, org.id(), key.id());
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                bodies.add(Node.request(token, "pc-" + i));
            }
            Thread disabler = new Thread(() -> {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                node.admin.accessKeys().disable(ALICE, org.id(), key.id(), "leaked");
            });
            disabler.start();
            List<Sent> sent = enrollAtOnce(node, bodies);
            disabler.join(60_000);
            long in = sent.stream().filter(s -> s.result() instanceof EnrollmentResult.Enrolled).count();
            assertThat(sent).filteredOn(s -> !(s.result() instanceof EnrollmentResult.Enrolled))
                    .allSatisfy(s -> assertThat(((Denied) s.result()).reason()).isEqualTo(DenialReason.KEY_DISABLED));
            assertThat(node.admin.accessKeys().require(org.id(), key.id()).useCount()).isEqualTo(in);
            assertThat(node.store.agents().listByKey(org.id(), key.id(), PageRequest.first(100)).items()).hasSize((int) in);
            assertThat(node.server.enroll(Node.request(token, "after"), node.server.contextFor(InetAddress.getByName("192.0.2.9"))))
                    .isInstanceOfSatisfying(Denied.class, d -> assertThat(d.reason()).isEqualTo(DenialReason.KEY_DISABLED));
        }
    }

    /**
     * What wrk against {@code serve} does: a fixed number of clients, each sending its next enrollment as soon as the
     * last one is answered. A client whose answer came back re-enters the key's lane while the batch after it runs, so
     * unless every batch waits for none, commits per enrollment stay near one in two or worse; on PostgreSQL each
     * commit is a WAL fsync, the only cost of an enrollment that batching can share.
     */
    @org.junit.jupiter.api.Test
    @DisplayName("8 clients enrolling back to back on one key: well under one commit per enrollment, every one committed")
    void sustainedClientsShareCommits() throws Exception {
        int clients = 8;
        int each = 30;
        try (Databases.Fresh fresh = Databases.migrated("postgresql", clients + 4)) {
            CountingDataSource counting = new CountingDataSource(fresh.dataSource());
            Node node = new Node(counting);
            NewOrganization org = node.admin.organizations().setUp(ALICE, "Acme MSP");
            AccessKey key = org.defaultKey();
            EnrollmentToken token = node.token(ALICE, org.id(), key.id());
            List<List<byte[]>> bodies = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                List<byte[]> mine = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    mine.add(Node.request(token, AgentKeyPair.generate(), "pc-" + c + "-" + i));
                }
                bodies.add(mine);
            }
            node.server.enroll(Node.request(token, "warm-up"), node.server.contextFor(InetAddress.getByName("192.0.2.1")));
            counting.reset();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<Integer>> runs = new ArrayList<>();
            try {
                CountDownLatch go = new CountDownLatch(1);
                for (int c = 0; c < clients; c++) {
                    List<byte[]> mine = bodies.get(c);
                    InetAddress from = InetAddress.getByName("198.51.100." + (1 + c));
                    runs.add(pool.submit(() -> {
                        go.await();
                        int enrolled = 0;
                        for (byte[] body : mine) {
                            if (node.server.enroll(body, node.server.contextFor(from)) instanceof EnrollmentResult.Enrolled) {
                                enrolled++;
                            }
                        }
                        return enrolled;
                    }));
                }
                go.countDown();
                int enrolled = 0;
                for (Future<Integer> f : runs) {
                    enrolled += f.get(120, TimeUnit.SECONDS);
                }
                assertThat(enrolled).isEqualTo(clients * each);
            } finally {
                pool.shutdownNow();
            }
            int transactions = counting.transactions.get();
            System.out.printf("postgresql: %d back-to-back enrollments of %d clients on one key in %d transactions%n", clients * each, clients,
                    transactions);
            assertThat(node.admin.accessKeys().require(org.id(), key.id()).useCount()).isEqualTo(1 + clients * each);
            assertThat(enrolledEvents(node, org)).hasSize(1 + clients * each);
            assertThat(transactions).as("commits per enrollment, back to back on one key").isLessThanOrEqualTo(clients * each / 3);
        }
    }
}
