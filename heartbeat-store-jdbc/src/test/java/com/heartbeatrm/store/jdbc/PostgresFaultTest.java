package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.enrollment.EnrollmentResult;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The database connection dies in the middle of an enrollment (the backend is killed with
 * {@code pg_terminate_backend}): either the agent and its counted use both exist, or neither does, and the next
 * request succeeds.
 */
@DisplayName("PostgreSQL connection killed mid-enrollment")
class PostgresFaultTest {
    private static final Actor ALICE = Actor.of("alice");
    private Databases.Fresh database;

    /** Kills its own backend right before the first statement that starts with the armed prefix. */
    static final class KillingDataSource extends InterceptingDataSource {
        final AtomicReference<String> armed = new AtomicReference<>();

        KillingDataSource(DataSource delegate) {
            super(delegate);
        }

        @Override
        Connection wrap(Connection real) {
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                if (method.getName().startsWith("prepare") && args != null && args[0] instanceof String sql) {
                    String prefix = armed.get();
                    if (prefix != null && sql.startsWith(prefix) && armed.compareAndSet(prefix, null)) {
                        killBackendOf(real);
                    }
                }
                return call(real, method, args);
            });
        }

        private static void killBackendOf(Connection victim) throws SQLException {
            int pid;
            try (Statement s = victim.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            try (Connection admin = DriverManager.getConnection(Databases.PG_URL, Databases.PG_USER, "");
                    Statement s = admin.createStatement()) {
                s.execute("SELECT pg_terminate_backend(" + pid + ")");
                for (int i = 0; i < 100; i++) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
                        rs.next();
                        if (rs.getInt(1) == 0) {
                            return;
                        }
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    @BeforeEach
    void database() {
        database = Databases.postgres(4);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
    }

    @ParameterizedTest(name = "killed before: {0}")
    @ValueSource(strings = {"INSERT INTO hb_agent", "INSERT INTO hb_audit", "WITH n AS ("})
    @DisplayName("no half-written enrollment; the next request succeeds")
    void killMidEnrollment(String killBefore) throws Exception {
        KillingDataSource ds = new KillingDataSource(database.dataSource());
        // PostgreSQL writes a lone enrollment with one statement (AtOnceEnrollment); the step-by-step transaction runs
        // when that statement cannot, and always without key lanes.
        JdbcHeartbeatStore store = killBefore.startsWith("WITH") ? JdbcHeartbeatStore.create(ds)
                : JdbcHeartbeatStore.builder(ds).batchEnrollments(false).build();
        Node node = new Node(store, java.time.Clock.systemUTC());
        NewOrganization org = node.admin.organizations().setUp(ALICE, "Acme MSP");
        AccessKey key = node.admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", org.rootGroup().id()).maxUses(5).build());
        EnrollmentToken token = node.token(ALICE, org.id(), key.id());
        InetAddress from = InetAddress.getByName("203.0.113.9");

        byte[] doomed = Node.request(token, "doomed");
        String doomedFingerprint = EnrollmentRequest.parse(doomed).publicKeyFingerprint();
        ds.armed.set(killBefore);
        assertThatThrownBy(() -> node.server.enroll(doomed, node.server.contextFor(from)))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.isTransient()).isTrue());
        assertThat(ds.armed.get()).as("the kill happened").isNull();

        // Neither half exists: no counted use, no agent, no audit event of an enrollment.
        assertThat(node.admin.accessKeys().require(org.id(), key.id()).useCount()).isZero();
        assertThat(node.store.agents().findByPublicKeyFingerprint(org.id(), doomedFingerprint)).isEmpty();
        assertThat(node.store.agents().listByKey(org.id(), key.id(), PageRequest.first(10)).items()).isEmpty();
        assertThat(node.admin.audit().query(AuditQuery.all(org.id())).items())
                .noneMatch(r -> r.event().action() == AuditAction.AGENT_ENROLLED);

        // The database is back (a new connection): the next request succeeds, and so does the same agent's retry.
        EnrollmentResult next = node.server.enroll(Node.request(token, "next"), node.server.contextFor(from));
        assertThat(next).isInstanceOf(EnrollmentResult.Enrolled.class);
        assertThat(node.admin.accessKeys().require(org.id(), key.id()).useCount()).isEqualTo(1);
        assertThat(node.store.agents().listByKey(org.id(), key.id(), PageRequest.first(10)).items()).hasSize(1);
    }
}
