package com.heartbeatrm.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.RenewalResult;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What one enrollment and one renewal cost the database, counted at the JDBC boundary: statements and commits. On
 * PostgreSQL exactly 3 statements per enrollment and 3 per renewal, in a group three levels deep (so the
 * ancestors are read); on every database exactly one commit each.
 */
@DisplayName("statements and commits per request")
class WorkPerRequestTest {
    private static final Actor ALICE = Actor.of("alice");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    @DisplayName("an enrollment and a renewal: one commit each; on PostgreSQL 1 and 3 statements")
    void oneCommitEach(String db) throws Exception {
        try (CountedAcme acme = new CountedAcme(db, ALICE)) {
            Group customer = acme.node.admin.groups().create(ALICE, acme.org.id(), acme.org.rootGroup().id(), "Customer A");
            Group site = acme.node.admin.groups().create(ALICE, acme.org.id(), customer.id(), "Berlin");
            AccessKey key = acme.node.admin.accessKeys().create(ALICE, acme.org.id(), AccessKeySpec.builder("Berlin", site.id()).maxUses(100).build());
            EnrollmentToken token = acme.node.token(ALICE, acme.org.id(), key.id());
            InetAddress from = InetAddress.getByName("203.0.113.7");
            // Warm the node (signing key cache) with one enrollment, as a running server is.
            acme.node.server.enroll(Node.request(token, "warm-up"), acme.node.server.contextFor(from));

            AgentKeyPair keys = AgentKeyPair.generate();
            byte[] body = Node.request(token, keys, "pc-1");
            CountingDataSource.Counted<EnrollmentResult> enrollment = acme.counting.count(() -> acme.node.server.enroll(body, acme.node.server.contextFor(from)));
            assertThat(enrollment.result()).isInstanceOf(EnrollmentResult.Enrolled.class);
            EnrollmentResult.Enrolled e = (EnrollmentResult.Enrolled) enrollment.result();
            assertThat(e.placement().groupPath()).isEqualTo("Customer A/Berlin");

            byte[] renewal = RenewalRequest.create(e.agent().id().value(), acme.org.id().value(), keys, Optional.of(e.credential()),
                    Clock.systemUTC()).toJson();
            CountingDataSource.Counted<RenewalResult> renewed = acme.counting.count(() -> acme.node.server.renew(renewal, acme.node.server.contextFor(from)));
            assertThat(renewed.result()).isInstanceOf(RenewalResult.Renewed.class);

            Supplier<String> enrollWhat = () -> "enrollment ran:\n" + enrollment.log();
            Supplier<String> renewWhat = () -> "renewal ran:\n" + renewed.log();
            assertThat(enrollment.commits()).as(enrollWhat).isEqualTo(1);
            assertThat(renewed.commits()).as(renewWhat).isEqualTo(1);
            if (db.equals("postgresql")) {
                // The warm-up read the lane's facts (the facts, the group's ancestors); this enrollment is judged on them
                // and runs one statement that checks them, writes everything and is its own commit (AtOnceEnrollment,
                // LaneFacts): exactly one, so a path that always fell back to reading would fail here.
                assertThat(enrollment.statements()).as(enrollWhat).isEqualTo(1);
                assertThat(enrollment.log()).as(enrollWhat).contains("WITH n AS (").contains("), g AS (");
                // The facts (locking the agent), the group's ancestors, and the nonce with the agent's new generation in one.
                assertThat(renewed.statements()).as(renewWhat).isEqualTo(3);
            }
            System.out.printf("%s: enrollment %d statements, %d commit; renewal %d statements, %d commit%n", db, enrollment.statements(),
                    enrollment.commits(), renewed.statements(), renewed.commits());
        }
    }
}
