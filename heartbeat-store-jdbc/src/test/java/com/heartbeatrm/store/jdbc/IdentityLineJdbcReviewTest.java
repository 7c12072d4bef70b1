package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.enrollment.EndpointRequest;
import com.heartbeatrm.enrollment.EndpointResponse;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.RenewalResult;
import com.heartbeatrm.enrollment.RequestContext;
import com.heartbeatrm.testkit.MutableClock;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Review of issue #22 on the JDBC store (H2, PostgreSQL, MariaDB): replays of requests against stored agents. */
@DisplayName("issue #22 review: identity line and replays on the JDBC store")
class IdentityLineJdbcReviewTest {
    private static final Actor ALICE = Actor.of("alice");
    private static final AgentFacts FACTS = new AgentFacts("pc-001", "linux", "6.1", "1.0", Optional.empty());

    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    /** A node over a fresh database it owns, an organization with a key, and pc-001's agent key. */
    private record Site(Databases.Fresh db, Node node, NewOrganization org, EnrollmentToken token, AgentKeyPair keys)
            implements AutoCloseable {
        RequestContext from(String address) throws Exception {
            return node.server.contextFor(InetAddress.getByName(address));
        }

        @Override
        public void close() {
            db.close();
        }
    }

    private Site site(String kind) {
        Databases.Fresh db = Databases.migrated(kind, 4);
        try {
            Node node = new Node(JdbcHeartbeatStore.create(db.dataSource()), clock);
            NewOrganization org = node.admin.organizations().setUp(ALICE, "Acme " + System.nanoTime());
            AccessKey key = node.admin.accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", org.rootGroup().id()).build());
            return new Site(db, node, org, node.token(ALICE, org.id(), key.id()), AgentKeyPair.generate());
        } catch (RuntimeException | Error e) {
            db.close();
            throw e;
        }
    }

    /** pc-001's enrollment with the site's token, signed now. */
    private byte[] enrollment(Site s) {
        return EnrollmentRequest.create(s.token, s.keys, FACTS, clock).toJson();
    }

    /** pc-001's renewal proving the credential it enrolled with, signed now. */
    private byte[] renewal(Site s, EnrollmentResult.Enrolled enrolled) {
        Agent agent = enrolled.agent();
        return RenewalRequest.create(agent.id().value(), agent.organizationId().value(), s.keys, Optional.of(enrolled.credential()),
                clock).toJson();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql", "mariadb"})
    @DisplayName("a renewal accepted before schema V2, resent after the upgrade, never gets a later expiry than it was first given")
    void resentRenewalOfARowFromBeforeV2(String kind) throws Exception {
        try (Site s = site(kind)) {
            EnrollmentResult.Enrolled enrolled = (EnrollmentResult.Enrolled) s.node.server.enroll(enrollment(s), s.from("192.0.2.10"));
            clock.advance(Duration.ofHours(1));
            byte[] captured = renewal(s, enrolled);
            RenewalResult.Renewed first = (RenewalResult.Renewed) s.node.server.renew(captured, s.from("192.0.2.10"));
            // The state V2 leaves on every row it finds: the column added, empty. (Here the renewal above stands for
            // one a V1 server accepted, whose answer was lost or captured.)
            try (Connection c = s.db().dataSource().getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE hb_agent SET credential_issued_at = NULL, credential_expires_at = NULL");
            }
            clock.advance(Duration.ofHours(10));

            RenewalResult.Renewed replayed = (RenewalResult.Renewed) s.node.server.renew(captured, s.from("198.51.100.66"));
            clock.advance(Duration.ofDays(3));
            RenewalResult.Renewed again = (RenewalResult.Renewed) s.node.server.renew(captured, s.from("198.51.100.67"));

            assertThat(replayed.agent().credentialGeneration()).isEqualTo(2);
            // The first answer's times were never stored: the server takes the enrollment time, never a later one.
            assertThat(replayed.credentialExpiresAt()).as("a captured renewal replayed later gets nothing new")
                    .isBeforeOrEqualTo(first.credentialExpiresAt()).isEqualTo(again.credentialExpiresAt());
            assertThat(replayed.credential().reveal()).isEqualTo(again.credential().reveal());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "postgresql", "mariadb"})
    @DisplayName("a captured enrollment replayed (same nonce) after its agent renewed is refused as a replay, not a server error")
    void replayedEnrollmentOfARenewedAgent(String kind) throws Exception {
        try (Site s = site(kind)) {
            byte[] captured = enrollment(s);
            EnrollmentResult.Enrolled enrolled = (EnrollmentResult.Enrolled) s.node.server.enroll(captured, s.from("192.0.2.10"));
            Agent agent = enrolled.agent();
            clock.advance(Duration.ofSeconds(30));
            assertThat(s.node.server.renew(renewal(s, enrolled), s.from("192.0.2.10"))).isInstanceOf(RenewalResult.Renewed.class);
            clock.advance(Duration.ofSeconds(30));

            EndpointResponse answer = s.node.server.endpoint().handle(new EndpointRequest("POST", "enroll", captured,
                    InetAddress.getByName("198.51.100.66")));

            assertThat(answer.status()).as("not internal_error").isEqualTo(403);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("\"reason\":\"rejected\"");
            assertThat(s.node.admin.agents().require(s.org.id(), agent.id()).status()).isEqualTo(AgentStatus.ACTIVE);
        }
    }
}
