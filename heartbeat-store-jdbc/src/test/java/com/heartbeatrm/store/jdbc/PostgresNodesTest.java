package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.enrollment.DenialReason;
import com.heartbeatrm.enrollment.Denied;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Two server nodes (independent store instances and pools) sharing one PostgreSQL, as users scale out. */
@DisplayName("two nodes on one PostgreSQL")
class PostgresNodesTest {
    private static final Actor ALICE = Actor.of("alice");
    private Databases.Fresh database;
    private HikariDataSource poolB;
    private Node a;
    private Node b;

    @BeforeEach
    void twoNodes() {
        database = Databases.postgres(16);
        poolB = Databases.pool(database.dataSource().getJdbcUrl(), Databases.PG_USER, 16);
        a = new Node(database.dataSource());
        b = new Node(poolB);
    }

    @AfterEach
    void close() {
        if (poolB != null) {
            poolB.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    @DisplayName("concurrent enrollments through both nodes on a key limited to 10 uses give exactly 10 agents")
    void exactCountAcrossNodes() throws Exception {
        NewOrganization org = a.admin.organizations().setUp(ALICE, "Acme MSP");
        AccessKey key = a.admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("ten", org.rootGroup().id()).maxUses(10).build());
        EnrollmentToken token = a.token(ALICE, org.id(), key.id());
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            bodies.add(Node.request(token, "pc-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(48);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<EnrollmentResult>> futures = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            Node node = i % 2 == 0 ? a : b;
            byte[] body = bodies.get(i);
            InetAddress from = InetAddress.getByName("198.51.100." + (i + 1));
            futures.add(pool.submit(() -> {
                go.await();
                return node.server.enroll(body, node.server.contextFor(from));
            }));
        }
        go.countDown();
        int enrolled = 0;
        for (Future<EnrollmentResult> f : futures) {
            EnrollmentResult r = f.get(120, TimeUnit.SECONDS);
            if (r instanceof EnrollmentResult.Enrolled) {
                enrolled++;
            } else {
                assertThat(((Denied) r).reason()).isEqualTo(DenialReason.KEY_EXHAUSTED);
            }
        }
        pool.shutdown();
        assertThat(enrolled).isEqualTo(10);
        assertThat(b.admin.accessKeys().require(org.id(), key.id()).useCount()).isEqualTo(10);
        assertThat(b.store.agents().listByKey(org.id(), key.id(), PageRequest.first(100)).items()).hasSize(10);
    }

    @Test
    @DisplayName("a key disabled through node A is refused by node B on its very next request; enabled again, B admits")
    void disableIsSeenByTheOtherNodeAtOnce() throws Exception {
        NewOrganization org = a.admin.organizations().setUp(ALICE, "Acme MSP");
        EnrollmentToken token = b.token(ALICE, org.id(), org.defaultKey().id());
        InetAddress from = InetAddress.getByName("203.0.113.5");
        assertThat(b.server.enroll(Node.request(token, "first"), b.server.contextFor(from))).isInstanceOf(EnrollmentResult.Enrolled.class);

        a.admin.accessKeys().disable(ALICE, org.id(), org.defaultKey().id(), "leaked");
        assertThat(b.server.enroll(Node.request(token, "second"), b.server.contextFor(from)))
                .isEqualTo(new Denied(DenialReason.KEY_DISABLED));

        a.admin.accessKeys().enable(ALICE, org.id(), org.defaultKey().id());
        assertThat(b.server.enroll(Node.request(token, "third"), b.server.contextFor(from))).isInstanceOf(EnrollmentResult.Enrolled.class);
    }

    @Test
    @DisplayName("several nodes migrating the same empty schema at once: one applies it, the others find it applied")
    void concurrentMigrations() throws Exception {
        Databases.requireReachable("PostgreSQL", Databases.PG_URL, Databases.PG_USER, "see Databases");
        String schema = Databases.uniqueName();
        Databases.exec(Databases.PG_URL, Databases.PG_USER, "CREATE SCHEMA " + schema);
        List<HikariDataSource> pools = new ArrayList<>();
        ExecutorService exec = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 4; i++) {
                HikariDataSource ds = Databases.pool(Databases.PG_URL + "?currentSchema=" + schema, Databases.PG_USER, 2);
                pools.add(ds);
                runs.add(exec.submit(() -> {
                    go.await();
                    JdbcHeartbeatStore.migrate(ds);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : runs) {
                f.get(120, TimeUnit.SECONDS);
            }
            Node node = new Node(pools.get(0));
            assertThat(node.admin.organizations().setUp(ALICE, "After migration").organization().name()).isEqualTo("After migration");
        } finally {
            exec.shutdownNow();
            pools.forEach(HikariDataSource::close);
            Databases.exec(Databases.PG_URL, Databases.PG_USER, "DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
