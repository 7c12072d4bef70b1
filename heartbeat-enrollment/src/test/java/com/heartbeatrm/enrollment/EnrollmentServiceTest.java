package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.agent.AgentCredentialVerifier;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.agent.CredentialClaims;
import com.heartbeatrm.agent.EnrollmentRequest;
import com.heartbeatrm.agent.PinnedKeySet;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NetworkAllowList;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.Subject;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EnrollmentServiceTest {
    private static final InetAddress OFFICE = Agents.ip("203.0.113.7");
    private final Fixture f = new Fixture();
    private final EnrollmentService service = EnrollmentService.builder(f.store, f.keys, Fixture.ISSUER).clock(f.clock).build();

    private RequestContext ctx() {
        return ctx(OFFICE);
    }

    private RequestContext ctx(InetAddress from) {
        return service.contextFor(from);
    }

    private EnrollmentResult enroll(Agents agent, IssuedToken token) {
        return service.enroll(agent.enrollBody(token.token(), f.clock), ctx());
    }

    private static DenialReason denial(Object result) {
        if (result instanceof EnrollmentResult.Denied d) {
            return d.reason();
        }
        if (result instanceof RenewalResult.Denied d) {
            return d.reason();
        }
        throw new AssertionError("not denied: " + result);
    }

    private List<AuditRecord> audit() {
        return f.admin.audit().query(AuditQuery.all(f.acme.id())).items();
    }

    @Test
    @DisplayName("the seed scenario: join Customer A; disable the key; enable; re-point; revoke one installer")
    void seedScenario() {
        IssuedToken installer = f.issue();
        Agents first = Agents.windows("pc-001");
        EnrollmentResult r1 = enroll(first, installer);
        assertThat(r1).isInstanceOf(EnrollmentResult.Enrolled.class);
        Agent agent1 = ((EnrollmentResult.Enrolled) r1).agent();
        assertThat(f.admin.groups().pathOf(f.acme.id(), agent1.groupId())).isEqualTo("Customer A");
        assertThat(agent1.installerId()).contains(installer.record().id().value());

        f.admin.accessKeys().disable(f.alice, f.acme.id(), f.keyA.id(), "installer leaked");
        EnrollmentResult refused = enroll(Agents.windows("pc-002"), installer);
        assertThat(denial(refused)).isEqualTo(DenialReason.KEY_DISABLED);
        assertThat(((EnrollmentResult.Denied) refused).publicMessage()).isEqualTo("this installer's access key was disabled");
        assertThat(service.renew(first.renewBody(agent1, f.clock), ctx())).as("enrolled agents keep renewing")
                .isInstanceOf(RenewalResult.Renewed.class);

        f.admin.accessKeys().enable(f.alice, f.acme.id(), f.keyA.id());
        Group customerB = f.admin.groups().create(f.alice, f.acme.id(), f.acme.rootGroup().id(), "Customer B");
        f.admin.accessKeys().repoint(f.alice, f.acme.id(), f.keyA.id(), customerB.id());
        EnrollmentResult r3 = enroll(Agents.windows("pc-003"), installer);
        assertThat(((EnrollmentResult.Enrolled) r3).agent().groupId()).as("lands where the key points now").isEqualTo(customerB.id());

        IssuedToken other = f.issue();
        f.tokens.revoke(f.alice, f.acme.id(), installer.record().id(), "wrong customer");
        assertThat(denial(enroll(Agents.windows("pc-004"), installer))).isEqualTo(DenialReason.TOKEN_REVOKED);
        assertThat(enroll(Agents.windows("pc-005"), other)).isInstanceOf(EnrollmentResult.Enrolled.class);
        assertThat(f.admin.accessKeys().require(f.acme.id(), f.keyA.id()).useCount()).isEqualTo(3);
    }

    @Test
    @DisplayName("the credential is signed by the issuer, bound to agent, group and key, valid for the group's TTL")
    void credentials() throws Exception {
        f.admin.groups().setOverride(f.alice, f.acme.id(), f.customerA.id(), SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofHours(6));
        Agents pc = Agents.windows("pc-001");
        EnrollmentResult.Enrolled e = (EnrollmentResult.Enrolled) enroll(pc, f.issue());
        AgentCredentialVerifier verifier = new AgentCredentialVerifier(PinnedKeySet.parseJson(f.keys.publicKeySet().toJson()), f.clock);
        CredentialClaims c = verifier.verify(e.credential());
        assertThat(c.agentId()).isEqualTo(e.agent().id().value());
        assertThat(c.groupId()).isEqualTo(f.customerA.id().value());
        assertThat(c.publicKeyFingerprint()).isEqualTo(pc.keys.fingerprint());
        assertThat(c.expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofHours(6)));
        assertThat(e.credential().toString()).doesNotContain("v4.public");

        // Moving the agent: the renewed credential follows the new group and its settings.
        Group fast = f.admin.groups().create(f.alice, f.acme.id(), f.acme.rootGroup().id(), "Short-lived");
        f.admin.groups().setOverride(f.alice, f.acme.id(), fast.id(), SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofMinutes(30));
        f.admin.agents().move(f.alice, f.acme.id(), e.agent().id(), fast.id());
        f.clock.advance(Duration.ofMinutes(1));
        RenewalResult.Renewed renewed = (RenewalResult.Renewed) service.renew(pc.renewBody(e.agent(), f.clock), ctx());
        CredentialClaims c2 = verifier.verify(renewed.credential());
        assertThat(c2.groupId()).isEqualTo(fast.id().value());
        assertThat(c2.expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(30)));
    }

    @Nested
    @DisplayName("refusals")
    class Refusals {
        @Test
        @DisplayName("network and platform restrictions of the group, the key and the token")
        void restrictions() {
            f.admin.groups().setOverride(f.alice, f.acme.id(), f.customerA.id(), SecuritySetting.ALLOWED_NETWORKS,
                    NetworkAllowList.parse("203.0.113.0/24"));
            IssuedToken t = f.issue();
            assertThat(denial(service.enroll(Agents.windows("pc").enrollBody(t.token(), f.clock), ctx(Agents.ip("198.51.100.1")))))
                    .isEqualTo(DenialReason.NETWORK_NOT_ALLOWED);
            AccessKey narrow = f.admin.accessKeys().create(f.alice, f.acme.id(), AccessKeySpec.builder("narrow", f.customerA.id())
                    .networks(NetworkAllowList.parse("203.0.113.128/25")).platforms(PlatformSet.of(Platform.MACOS)).build());
            IssuedToken tn = f.tokens.issue(f.alice, f.acme.id(), narrow.id(), TokenRequest.DEFAULTS);
            assertThat(denial(enroll(new Agents("mac", "macos"), tn))).as("key narrows the group's networks")
                    .isEqualTo(DenialReason.NETWORK_NOT_ALLOWED);
            assertThat(denial(service.enroll(Agents.windows("pc").enrollBody(tn.token(), f.clock), ctx(Agents.ip("203.0.113.200")))))
                    .isEqualTo(DenialReason.PLATFORM_NOT_ALLOWED);
            IssuedToken linuxOnly = f.tokens.issue(f.alice, f.acme.id(), f.keyA.id(), TokenRequest.builder().platform(Platform.LINUX).build());
            assertThat(denial(enroll(Agents.windows("pc"), linuxOnly))).as("the token names its platform").isEqualTo(DenialReason.PLATFORM_NOT_ALLOWED);
            assertThat(enroll(new Agents("box", "linux"), linuxOnly)).isInstanceOf(EnrollmentResult.Enrolled.class);
        }

        @Test
        @DisplayName("proof of possession, clock skew and replay")
        void proofClockReplay() {
            IssuedToken t = f.issue();
            Agents pc = Agents.windows("pc");
            AgentKeyPair thief = AgentKeyPair.generate();
            byte[] forged = EnrollmentRequest.create(t.token(), pc.keys.publicKey(), pc.facts, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                    f.clock.instant(), thief::sign).toJson();
            assertThat(denial(service.enroll(forged, ctx()))).isEqualTo(DenialReason.BAD_PROOF);

            byte[] old = EnrollmentRequest.create(t.token(), pc.keys.publicKey(), pc.facts, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                    f.clock.instant().minus(Duration.ofMinutes(6)), pc.keys::sign).toJson();
            assertThat(denial(service.enroll(old, ctx()))).isEqualTo(DenialReason.CLOCK_SKEW);

            byte[] body = pc.enrollBody(t.token(), f.clock);
            assertThat(service.enroll(body, ctx())).isInstanceOf(EnrollmentResult.Enrolled.class);
            assertThat(denial(service.enroll(body, ctx()))).isEqualTo(DenialReason.REPLAYED);

            // A public key that is not a valid Ed25519 point can never prove possession.
            byte[] notAPoint = new byte[32];
            java.util.Arrays.fill(notAPoint, (byte) 0xff);
            byte[] bad = EnrollmentRequest.create(t.token(), notAPoint, pc.facts, "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", f.clock.instant(),
                    m -> new byte[64]).toJson();
            assertThat(denial(service.enroll(bad, ctx()))).isEqualTo(DenialReason.BAD_PROOF);
            assertThat(f.admin.accessKeys().require(f.acme.id(), f.keyA.id()).useCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("malformed bodies are typed refusals that count or store nothing but audit and throttling")
        void badBodies() {
            Agents pc = Agents.windows("pc");
            String good = new String(pc.enrollBody(f.issue().token(), f.clock), StandardCharsets.UTF_8);
            List<String> bodies = List.of("", "null", "[]", "{", "{\"v\":1}", good.replace("\"v\":1", "\"v\":2"),
                    good.replace("\"v\":1", "\"v\":\"1\""), good.replace("\"hostname\"", "\"hostName\""),
                    good.replace("{\"v\":1,", "{\"v\":1,\"extra\":\"x\","), good.replace("{\"v\":1,", "{\"v\":1,\"v\":1,"),
                    good.replace("\"platform\":\"windows\"", "\"platform\":\"beos\""), good + "x",
                    good.replace("\"hostname\":\"pc\",", ""));
            int n = 0;
            for (String b : bodies) {
                // One address per body: ten failures from one address would (rightly) throttle it.
                InetAddress from = Agents.ip("192.0.2." + (++n));
                assertThat(denial(service.enroll(b.getBytes(StandardCharsets.UTF_8), ctx(from)))).as(b.length() > 60 ? b.substring(0, 60) : b)
                        .isEqualTo(DenialReason.MALFORMED);
            }
            assertThat(denial(service.enroll(new byte[40 * 1024], ctx()))).isEqualTo(DenialReason.OVERSIZED);
            // Well-formed but changed after signing: the proof no longer covers it.
            assertThat(denial(service.enroll(good.replace("\"hostname\":\"pc\"", "\"hostname\":\"evil\"")
                    .getBytes(StandardCharsets.UTF_8), ctx()))).isEqualTo(DenialReason.BAD_PROOF);
            assertThat(f.admin.accessKeys().require(f.acme.id(), f.keyA.id()).useCount()).isZero();
            assertThat(f.admin.agents().listByGroup(f.acme.id(), f.customerA.id(), PageRequest.first(10)).items()).isEmpty();
        }

        @Test
        @DisplayName("a one-use key: a different agent is refused EXHAUSTED; the same agent retrying gets its agent back")
        void oneUseKeyAndIdempotentRetry() {
            AccessKey once = f.admin.accessKeys().create(f.alice, f.acme.id(), AccessKeySpec.builder("once", f.customerA.id()).maxUses(1).build());
            IssuedToken t = f.tokens.issue(f.alice, f.acme.id(), once.id(), TokenRequest.DEFAULTS);
            Agents pc = Agents.windows("pc");
            Agent first = ((EnrollmentResult.Enrolled) enroll(pc, t)).agent();
            f.clock.advance(Duration.ofSeconds(5));
            EnrollmentResult again = enroll(pc, t);
            assertThat(again).isInstanceOfSatisfying(EnrollmentResult.Enrolled.class, e -> assertThat(e.agent().id()).isEqualTo(first.id()));
            assertThat(denial(enroll(Agents.windows("other"), t))).isEqualTo(DenialReason.KEY_EXHAUSTED);
            assertThat(f.admin.accessKeys().require(f.acme.id(), once.id()).useCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("failures past the threshold throttle the address, then the key, without the expensive checks")
        void throttling() {
            EnrollmentService strict = EnrollmentService.builder(f.store, f.keys, Fixture.ISSUER).clock(f.clock)
                    .policy(EnrollmentPolicy.builder().throttle(3, 5, Duration.ofMinutes(10), Duration.ofMinutes(15)).build()).build();
            InetAddress attacker = Agents.ip("198.51.100.66");
            for (int i = 0; i < 3; i++) {
                assertThat(denial(strict.enroll("{}".getBytes(StandardCharsets.UTF_8), strict.contextFor(attacker))))
                        .isEqualTo(DenialReason.MALFORMED);
            }
            IssuedToken t = f.issue();
            assertThat(denial(strict.enroll(Agents.windows("pc").enrollBody(t.token(), f.clock), strict.contextFor(attacker))))
                    .as("a blocked address is refused even with a good request").isEqualTo(DenialReason.THROTTLED);
            assertThat(strict.enroll(Agents.windows("pc2").enrollBody(t.token(), f.clock), strict.contextFor(OFFICE)))
                    .isInstanceOf(EnrollmentResult.Enrolled.class);
            f.clock.advance(Duration.ofMinutes(15));
            assertThat(strict.enroll(Agents.windows("pc3").enrollBody(t.token(), f.clock), strict.contextFor(attacker)))
                    .as("the block ends after the back-off").isInstanceOf(EnrollmentResult.Enrolled.class);

            // Verified failures count against the key: five bad proofs from different addresses block it.
            Agents victim = Agents.windows("victim");
            for (int i = 0; i < 5; i++) {
                byte[] forged = EnrollmentRequest.create(t.token(), victim.keys.publicKey(), victim.facts, "DDDDDDDDDDDDDDDDDDDDDD" + i + "DDDDDDDDA",
                        f.clock.instant(), AgentKeyPair.generate()::sign).toJson();
                assertThat(denial(strict.enroll(forged, strict.contextFor(Agents.ip("192.0.2." + (10 + i)))))).isEqualTo(DenialReason.BAD_PROOF);
            }
            assertThat(denial(strict.enroll(victim.enrollBody(t.token(), f.clock), strict.contextFor(Agents.ip("192.0.2.99")))))
                    .isEqualTo(DenialReason.THROTTLED);
        }
    }

    @Nested
    @DisplayName("approvals")
    class Approvals {
        @Test
        @DisplayName("requireApproval: pending until approved, then the next poll gets the credential; deny disables")
        void approveAndDeny() {
            f.admin.groups().setOverride(f.alice, f.acme.id(), f.customerA.id(), SecuritySetting.REQUIRE_APPROVAL, true);
            IssuedToken t = f.issue();
            Agents a = Agents.windows("pc-a");
            Agents b = Agents.windows("pc-b");
            Agent pa = ((EnrollmentResult.PendingApproval) enroll(a, t)).agent();
            f.clock.advance(Duration.ofSeconds(1));
            Agent pb = ((EnrollmentResult.PendingApproval) enroll(b, t)).agent();
            assertThat(pa.status()).isEqualTo(AgentStatus.PENDING);
            assertThat(service.listPending(f.acme.id(), PageRequest.first(10)).items()).extracting(Agent::id).containsExactly(pa.id(), pb.id());
            assertThat(service.renew(a.renewBody(pa, f.clock), ctx())).isInstanceOf(RenewalResult.Pending.class);

            service.approve(f.alice, f.acme.id(), pa.id());
            assertThat(service.renew(a.renewBody(pa, f.clock), ctx())).isInstanceOf(RenewalResult.Renewed.class);
            service.deny(f.alice, f.acme.id(), pb.id());
            assertThat(denial(service.renew(b.renewBody(pb, f.clock), ctx()))).isEqualTo(DenialReason.AGENT_DISABLED);
            assertThat(audit()).extracting(r -> r.event().action()).contains(AuditAction.AGENT_APPROVED, AuditAction.AGENT_DENIED);
        }

        @Test
        @DisplayName("pending agents expire after the configured time")
        void pendingExpiry() {
            f.admin.groups().setOverride(f.alice, f.acme.id(), f.customerA.id(), SecuritySetting.REQUIRE_APPROVAL, true);
            EnrollmentService shortWait = EnrollmentService.builder(f.store, f.keys, Fixture.ISSUER).clock(f.clock)
                    .policy(EnrollmentPolicy.builder().pendingTtl(Duration.ofHours(1)).build()).build();
            IssuedToken t = f.issue();
            Agents a = Agents.windows("pc-a");
            Agents b = Agents.windows("pc-b");
            Agent pa = ((EnrollmentResult.PendingApproval) shortWait.enroll(a.enrollBody(t.token(), f.clock), ctx())).agent();
            Agent pb = ((EnrollmentResult.PendingApproval) shortWait.enroll(b.enrollBody(t.token(), f.clock), ctx())).agent();
            f.clock.advance(Duration.ofHours(1));
            assertThat(denial(shortWait.renew(a.renewBody(pa, f.clock), shortWait.contextFor(OFFICE)))).isEqualTo(DenialReason.PENDING_EXPIRED);
            assertThat(shortWait.expirePending(f.acme.id())).isEqualTo(1);
            assertThat(f.admin.agents().require(f.acme.id(), pb.id()).status()).isEqualTo(AgentStatus.DISABLED);
            assertThat(shortWait.listPending(f.acme.id(), PageRequest.first(10)).items()).isEmpty();
        }
    }

    @Test
    @DisplayName("renewal: a disabled or deleted agent is refused; a foreign key cannot renew another agent")
    void renewalRules() {
        Agents pc = Agents.windows("pc");
        Agent agent = ((EnrollmentResult.Enrolled) enroll(pc, f.issue())).agent();
        Agents impostor = Agents.windows("pc");
        assertThat(denial(service.renew(impostor.renewBody(agent, f.clock), ctx()))).isEqualTo(DenialReason.BAD_PROOF);
        byte[] body = pc.renewBody(agent, f.clock);
        assertThat(service.renew(body, ctx())).isInstanceOf(RenewalResult.Renewed.class);
        assertThat(denial(service.renew(body, ctx()))).isEqualTo(DenialReason.REPLAYED);
        f.admin.agents().setStatus(f.alice, f.acme.id(), agent.id(), AgentStatus.DISABLED);
        assertThat(denial(service.renew(pc.renewBody(agent, f.clock), ctx()))).isEqualTo(DenialReason.AGENT_DISABLED);
        f.admin.agents().delete(f.alice, f.acme.id(), agent.id());
        assertThat(denial(service.renew(pc.renewBody(agent, f.clock), ctx()))).isEqualTo(DenialReason.AGENT_NOT_FOUND);
        assertThat(denial(service.renew("{\"v\":1}".getBytes(StandardCharsets.UTF_8), ctx()))).isEqualTo(DenialReason.MALFORMED);
    }

    @Test
    @DisplayName("dry run explains each check and consumes nothing")
    void dryRun() {
        IssuedToken t = f.issue();
        Agents pc = Agents.windows("pc");
        byte[] body = pc.enrollBody(t.token(), f.clock);
        DryRun d = service.explain(body, ctx());
        assertThat(d.outcome()).isEqualTo(DryRun.Outcome.WOULD_ENROLL);
        assertThat(d.group()).contains(f.customerA.id());
        assertThat(d.checks()).extracting(DryRun.Check::status).containsOnly(DryRun.Status.PASSED);
        assertThat(d.checks()).extracting(DryRun.Check::name).containsExactly("request", "throttling", "token", "restrictions",
                "proof of possession", "clock", "replay", "enrollment");
        assertThat(f.admin.accessKeys().require(f.acme.id(), f.keyA.id()).useCount()).isZero();
        long auditBefore = audit().size();

        f.admin.accessKeys().disable(f.alice, f.acme.id(), f.keyA.id(), "x");
        DryRun denied = service.explain(body, ctx());
        assertThat(denied.outcome()).isEqualTo(DryRun.Outcome.WOULD_DENY);
        assertThat(denied.denial()).contains(DenialReason.KEY_DISABLED);
        assertThat(denied.checks()).filteredOn(c -> c.status() == DryRun.Status.NOT_REACHED).extracting(DryRun.Check::name)
                .contains("proof of possession", "replay", "enrollment");
        f.admin.accessKeys().enable(f.alice, f.acme.id(), f.keyA.id());

        assertThat(service.enroll(body, ctx())).as("the dry run did not use up the nonce").isInstanceOf(EnrollmentResult.Enrolled.class);
        assertThat(audit().size()).isGreaterThan((int) auditBefore);
    }

    @Test
    @DisplayName("every decision is audited with key, installer, group, source address, agent and outcome; queries find agents")
    void auditAndQueries() {
        IssuedToken t = f.issue();
        Agent agent = ((EnrollmentResult.Enrolled) enroll(Agents.windows("pc"), t)).agent();
        f.admin.accessKeys().disable(f.alice, f.acme.id(), f.keyA.id(), "x");
        enroll(Agents.windows("pc2"), t);

        AuditRecord enrolled = audit().stream().filter(r -> r.event().action() == AuditAction.AGENT_ENROLLED).findFirst().orElseThrow();
        assertThat(enrolled.event().subject()).isEqualTo(Subject.of(agent.id()));
        assertThat(enrolled.event().after()).containsEntry("key", f.keyA.id().value()).containsEntry("installer", t.record().id().value())
                .containsEntry("group", f.customerA.id().value()).containsEntry("sourceAddress", "203.0.113.7")
                .containsEntry("agent", agent.id().value()).containsEntry("outcome", "ACTIVE");
        AuditRecord denied = audit().stream().filter(r -> r.event().action() == AuditAction.ENROLLMENT_DENIED).findFirst().orElseThrow();
        assertThat(denied.event().after()).containsEntry("outcome", "KEY_DISABLED").containsEntry("key", f.keyA.id().value())
                .containsEntry("installer", t.record().id().value());
        assertThat(audit().toString()).doesNotContain("v4.public");

        assertThat(service.agentsByKey(f.acme.id(), f.keyA.id(), PageRequest.first(10)).items()).containsExactly(agent);
        assertThat(service.agentsByInstaller(f.acme.id(), t.record().id(), PageRequest.first(10)).items()).containsExactly(agent);
        assertThat(service.agentsByGroup(f.acme.id(), f.customerA.id(), PageRequest.first(10)).items()).containsExactly(agent);
        AccessKey key = f.admin.accessKeys().require(f.acme.id(), f.keyA.id());
        assertThat(key.lastUsedBy()).contains(agent.id());
        assertThat(key.lastUsedAt()).contains(agent.enrolledAt());
    }
}
