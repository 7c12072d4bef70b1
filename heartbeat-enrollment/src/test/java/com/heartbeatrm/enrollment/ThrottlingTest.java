package com.heartbeatrm.enrollment;

import static com.heartbeatrm.enrollment.EnrollmentPipelineTest.denial;
import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.agent.EnrollmentRequest;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.NetworkAllowList;
import com.heartbeatrm.core.Subject;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Throttling slows the sender of bad requests, never the agents that hold a genuine installer or prove their identity. */
class ThrottlingTest {
    /** Three failures from an address, five suspect failures of a key from one address, within 10 min block for 15 min. */
    private final Fixture f = new Fixture(EnrollmentPolicy.builder().throttle(3, 5, Duration.ofMinutes(10), Duration.ofMinutes(15)).build());
    private final HeartbeatServer server = f.server;
    private static final InetAddress NAT = Agents.ip("198.51.100.66");

    private EnrollmentResult enroll(Agents pc, IssuedToken t, InetAddress from) {
        return pc.keep(server.enroll(pc.enrollBody(t.token(), f.clock), server.contextFor(from)));
    }

    private byte[] badProof(IssuedToken t, int i) {
        Agents victim = Agents.windows("victim");
        return EnrollmentRequest.create(t.token(), victim.keys.publicKey(), victim.facts, "DDDDDDDDDDDDDDDDDDDDDD" + i + "DDDDDDDDA",
                f.clock.instant(), AgentKeyPair.generate()::sign).toJson();
    }

    @Test
    @DisplayName("garbage from a site's one NAT address slows the garbage, while agents with genuine installers there enroll and renew")
    void garbageNeverStopsTheSite() {
        Agents enrolledEarlier = Agents.windows("pc-0");
        IssuedToken t = f.issue();
        Agent agent0 = ((EnrollmentResult.Enrolled) enroll(enrolledEarlier, t, NAT)).agent();
        for (int i = 0; i < 10; i++) {
            server.enroll("{}".getBytes(StandardCharsets.UTF_8), server.contextFor(NAT));
            server.enroll("not json at all".getBytes(StandardCharsets.UTF_8), server.contextFor(NAT));
            server.renew("{}".getBytes(StandardCharsets.UTF_8), server.contextFor(NAT));
        }
        EnrollmentResult garbage = server.enroll("{}".getBytes(StandardCharsets.UTF_8), server.contextFor(NAT));
        assertThat(denial(garbage)).as("the attacker is slowed").isEqualTo(DenialReason.THROTTLED);
        assertThat(((Denied) garbage).retryAfter()).isPresent();
        assertThat(denial(server.enroll(Agents.windows("x").enrollBody(new Fixture().issue().token(), f.clock), server.contextFor(NAT))))
                .as("a forged installer too").isEqualTo(DenialReason.THROTTLED);
        assertThat(denial(server.renew("{}".getBytes(StandardCharsets.UTF_8), server.contextFor(NAT)))).isEqualTo(DenialReason.THROTTLED);

        assertThat(enroll(Agents.windows("pc-1"), t, NAT)).as("a genuine installer at the same address enrolls")
                .isInstanceOf(EnrollmentResult.Enrolled.class);
        assertThat(enrolledEarlier.keep(server.renew(enrolledEarlier.renewBody(agent0, f.clock), server.contextFor(NAT))))
                .as("an agent that proves its identity renews").isInstanceOf(RenewalResult.Renewed.class);
        f.clock.advance(Duration.ofMinutes(15));
        assertThat(denial(server.enroll("{}".getBytes(StandardCharsets.UTF_8), server.contextFor(NAT))))
                .as("after the back-off, the real reason again").isEqualTo(DenialReason.REQUEST_MISSING_FIELD);
    }

    @Test
    @DisplayName("an installer holder outside the key's networks cannot block agents inside them")
    void outsiderCannotLockTheKey() {
        AccessKey office = f.admin.accessKeys().create(f.alice, f.acme.id(), AccessKeySpec.builder("office", f.customerA.id())
                .networks(NetworkAllowList.parse("203.0.113.0/24")).build());
        IssuedToken t = f.installers.issueToken(f.alice, f.acme.id(), office.id(), InstallerRequest.DEFAULTS);
        InetAddress outside = Agents.ip("192.0.2.200");
        for (int i = 0; i < 20; i++) {
            server.enroll(badProof(t, i), server.contextFor(outside));
            enroll(Agents.windows("out-" + i), t, outside);
        }
        assertThat(denial(server.enroll(badProof(t, 99), server.contextFor(outside)))).as("the outsider is slowed")
                .isEqualTo(DenialReason.THROTTLED);
        assertThat(enroll(Agents.windows("inside"), t, Agents.ip("203.0.113.10"))).as("agents inside still enroll")
                .isInstanceOf(EnrollmentResult.Enrolled.class);
    }

    @Test
    @DisplayName("bad proofs from one address block the key from that address only; the block is audited, listed and lifted")
    void keyLocksAreVisibleAndLiftable() {
        IssuedToken t = f.issue();
        InetAddress attacker = Agents.ip("203.0.113.66");
        for (int i = 0; i < 5; i++) {
            assertThat(denial(server.enroll(badProof(t, i), server.contextFor(attacker)))).isEqualTo(DenialReason.BAD_PROOF);
        }
        EnrollmentResult blocked = enroll(Agents.windows("same-place"), t, attacker);
        assertThat(denial(blocked)).isEqualTo(DenialReason.THROTTLED);
        assertThat(enroll(Agents.windows("elsewhere"), t, Agents.ip("203.0.113.67"))).isInstanceOf(EnrollmentResult.Enrolled.class);

        List<KeyThrottles.KeyThrottle> throttles = server.keyThrottles().list(f.acme.id(), f.keyA.id());
        assertThat(throttles).singleElement().satisfies(k -> {
            assertThat(k.sourceAddress()).isEqualTo("203.0.113.66");
            assertThat(k.until()).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(15)));
        });
        assertThat(server.keyThrottles().listAll(f.acme.id())).containsOnlyKeys(f.keyA.id());
        assertThat(new Fixture().server.keyThrottles().listAll(new Fixture().acme.id())).as("other organizations see nothing").isEmpty();
        List<AuditRecord> audit = f.admin.audit().query(AuditQuery.all(f.acme.id()).forSubject(Subject.of(f.keyA.id()))).items();
        assertThat(audit).filteredOn(r -> r.event().action() == AuditAction.KEY_THROTTLED).singleElement()
                .satisfies(r -> assertThat(r.event().after()).containsEntry("sourceAddress", "203.0.113.66"));

        assertThat(server.keyThrottles().lift(f.alice, f.acme.id(), f.keyA.id())).isEqualTo(1);
        assertThat(server.keyThrottles().list(f.acme.id(), f.keyA.id())).isEmpty();
        assertThat(f.admin.audit().query(AuditQuery.all(f.acme.id()).forSubject(Subject.of(f.keyA.id()))).items())
                .anyMatch(r -> r.event().action() == AuditAction.KEY_UNTHROTTLED && r.event().actor().equals(f.alice));
        assertThat(enroll(Agents.windows("same-place-again"), t, attacker)).isInstanceOf(EnrollmentResult.Enrolled.class);
    }

    @Test
    @DisplayName("renewals that prove an agent's identity are never blocked by failures of others at the same address")
    void provenRenewalsPass() {
        Agents pc = Agents.windows("pc");
        IssuedToken t = f.issue();
        Agent agent = ((EnrollmentResult.Enrolled) enroll(pc, t, NAT)).agent();
        Agents impostor = Agents.windows("pc");
        for (int i = 0; i < 10; i++) {
            server.renew(impostor.renewBody(agent, f.clock), server.contextFor(NAT));
        }
        assertThat(denial(server.renew(impostor.renewBody(agent, f.clock), server.contextFor(NAT)))).isEqualTo(DenialReason.THROTTLED);
        assertThat(pc.keep(server.renew(pc.renewBody(agent, f.clock), server.contextFor(NAT)))).isInstanceOf(RenewalResult.Renewed.class);
    }
}
