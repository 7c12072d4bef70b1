package com.heartbeatrm.enrollment;

import static com.heartbeatrm.enrollment.EnrollmentPipelineTest.denial;
import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
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
        return EnrollmentRequest.create(t.token(), victim.keys.publicKey(), victim.facts, "DDDDDDDDDDDDDDDDDDDDDD" + (i % 10) + "DDDDDDDDA",
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

    private List<AuditRecord> auditOf(AuditAction action) {
        return f.admin.audit().query(AuditQuery.all(f.acme.id())).items().stream().filter(r -> r.event().action() == action).toList();
    }

    @Test
    @DisplayName("200 renewals naming a real agent, signed with another key, leave two audit rows: the first, and a tally of the rest")
    void forgedRenewalsAreTallied() {
        Agents genuine = Agents.windows("pc");
        Agent agent = ((EnrollmentResult.Enrolled) enroll(genuine, f.issue(), NAT)).agent();
        Agents forger = Agents.windows("forger");
        InetAddress attacker = Agents.ip("192.0.2.7");
        for (int i = 0; i < 200; i++) {
            server.renew(forger.renewBody(agent, f.clock), server.contextFor(attacker));
        }
        List<AuditRecord> rows = auditOf(AuditAction.CREDENTIAL_RENEWAL_DENIED);
        assertThat(rows).as("at once: the first refusal of each kind, so the log shows the attempt and its source")
                .extracting(r -> r.event().after().get("outcome")).containsExactlyInAnyOrder("BAD_PROOF", "THROTTLED");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.event().subject()).isEqualTo(Subject.of(agent.id()));
            assertThat(r.event().after()).containsEntry("sourceAddress", "192.0.2.7").containsEntry("count", "1");
        });
        server.close();
        rows = auditOf(AuditAction.CREDENTIAL_RENEWAL_DENIED);
        assertThat(rows).hasSize(4);
        assertThat(rows.stream().mapToInt(r -> Integer.parseInt(r.event().after().get("count"))).sum()).isEqualTo(200);
        assertThat(rows).allSatisfy(r -> assertThat(r.event().after().toString()).doesNotContain(genuine.credential.reveal()));
    }

    @Test
    @DisplayName("200 enrollments with a revoked installer from 200 sources leave a bounded number of rows, counted in full")
    void revokedInstallerAttemptsAreTallied() {
        IssuedToken t = f.issue();
        f.installers.revoke(f.alice, f.acme.id(), t.record().id(), "leaked");
        for (int i = 0; i < 200; i++) {
            server.enroll(Agents.windows("pc-" + i).enrollBody(t.token(), f.clock), server.contextFor(Agents.ip("10.1." + (i / 200) + "." + i)));
        }
        server.close();
        List<AuditRecord> rows = auditOf(AuditAction.ENROLLMENT_DENIED);
        assertThat(rows.size()).as("at most one row per source kept apart, plus the other sources").isLessThanOrEqualTo(
                DenialDigest.MAX_SOURCES + 2);
        assertThat(rows).allSatisfy(r -> assertThat(r.event().after()).containsEntry("outcome", "TOKEN_REVOKED"));
        assertThat(rows.stream().mapToInt(r -> Integer.parseInt(r.event().after().get("count"))).sum()).isEqualTo(200);
        assertThat(rows).anySatisfy(r -> assertThat(r.event().after()).containsEntry("sourceAddress", DenialDigest.OTHER_SOURCES));
    }

    @Test
    @DisplayName("a bad proof with a valid installer, from a source the key is blocked for, is answered 'slow down', uncounted")
    void blockedKeyBucketBeforeTheProof() {
        IssuedToken t = f.issue();
        InetAddress from = Agents.ip("192.0.2.50");
        for (int i = 0; i < 5; i++) {
            assertThat(denial(server.enroll(badProof(t, i), server.contextFor(from)))).isEqualTo(DenialReason.BAD_PROOF);
        }
        for (int i = 5; i < 155; i++) {
            EnrollmentResult r = server.enroll(badProof(t, i), server.contextFor(from));
            assertThat(denial(r)).isEqualTo(DenialReason.THROTTLED);
            assertThat(((Denied) r).retryAfter()).isPresent();
        }
        server.close();
        assertThat(auditOf(AuditAction.ENROLLMENT_DENIED).size()).isLessThanOrEqualTo(4);
        assertThat(auditOf(AuditAction.KEY_THROTTLED)).hasSize(1);
    }

    @Test
    @DisplayName("IPv6 sources count by /64: fresh addresses of one /64 share one bucket; another /64 is not slowed")
    void ipv6CountsBySlash64() {
        for (int i = 1; i <= 3; i++) {
            server.enroll("{}".getBytes(StandardCharsets.UTF_8), server.contextFor(Agents.ip("2001:db8:1:2::" + Integer.toHexString(i))));
        }
        assertThat(denial(server.enroll("{}".getBytes(StandardCharsets.UTF_8), server.contextFor(Agents.ip("2001:db8:1:2:ffff::9")))))
                .isEqualTo(DenialReason.THROTTLED);
        assertThat(denial(server.enroll("{}".getBytes(StandardCharsets.UTF_8), server.contextFor(Agents.ip("2001:db8:1:3::1")))))
                .isEqualTo(DenialReason.REQUEST_MISSING_FIELD);
        assertThat(ThrottleBuckets.source(Agents.ip("2001:db8:1:2:abcd::1"))).isEqualTo("2001:db8:1:2::/64");
        assertThat(ThrottleBuckets.source(Agents.ip("198.51.100.7"))).isEqualTo("198.51.100.7");
    }

    @Test
    @DisplayName("throttle state expires: 1,500 garbage requests from 1,500 addresses over 25 minutes leave at most a window's worth")
    void throttleStateIsPurged() {
        for (int i = 0; i < 1500; i++) {
            server.enroll("{}".getBytes(StandardCharsets.UTF_8), server.contextFor(Agents.ip("10." + (i >> 8) + "." + (i & 0xff) + ".1")));
            f.clock.advance(Duration.ofSeconds(1));
        }
        server.close();
        int left = f.store.throttles().clear("enroll:");
        assertThat(left).as("the last window's sources, and at most one purge interval more").isLessThanOrEqualTo(600 + Denials.PURGE_EVERY);
        assertThat(left).isGreaterThan(0);
    }
}
