package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.AgentCredentialVerifier;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.CredentialClaims;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.PinnedKeySet;
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

class EnrollmentPipelineTest {
    private static final InetAddress OFFICE = Agents.ip("203.0.113.7");
    private final Fixture f = new Fixture();
    private final HeartbeatServer server = f.server;

    private RequestContext ctx() {
        return ctx(OFFICE);
    }

    private RequestContext ctx(InetAddress from) {
        return server.contextFor(from);
    }

    private EnrollmentResult enroll(Agents agent, IssuedToken token) {
        return agent.keep(server.enroll(agent.enrollBody(token.token(), f.clock), ctx()));
    }

    private RenewalResult renew(Agents agent, Agent which) {
        return agent.keep(server.renew(agent.renewBody(which, f.clock), ctx()));
    }

    static DenialReason denial(Object result) {
        if (result instanceof Denied d) {
            return d.reason();
        }
        if (result instanceof Denied d) {
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
        assertThat(agent1.installerId()).contains(installer.record().id());
        assertThat(((EnrollmentResult.Enrolled) r1).placement().groupPath()).isEqualTo("Customer A");
        assertThat(((EnrollmentResult.Enrolled) r1).placement().organizationName()).isEqualTo(f.acme.organization().name());

        f.admin.accessKeys().disable(f.alice, f.acme.id(), f.keyA.id(), "installer leaked");
        EnrollmentResult refused = enroll(Agents.windows("pc-002"), installer);
        assertThat(denial(refused)).isEqualTo(DenialReason.KEY_DISABLED);
        assertThat(((Denied) refused).publicMessage()).isEqualTo("this installer's access key was disabled");
        assertThat(renew(first, agent1)).as("enrolled agents keep renewing").isInstanceOf(RenewalResult.Renewed.class);

        f.admin.accessKeys().enable(f.alice, f.acme.id(), f.keyA.id());
        Group customerB = f.admin.groups().create(f.alice, f.acme.id(), f.acme.rootGroup().id(), "Customer B");
        f.admin.accessKeys().repoint(f.alice, f.acme.id(), f.keyA.id(), customerB.id());
        EnrollmentResult r3 = enroll(Agents.windows("pc-003"), installer);
        assertThat(((EnrollmentResult.Enrolled) r3).agent().groupId()).as("lands where the key points now").isEqualTo(customerB.id());

        IssuedToken other = f.issue();
        f.installers.revoke(f.alice, f.acme.id(), installer.record().id(), "wrong customer");
        assertThat(denial(enroll(Agents.windows("pc-004"), installer))).isEqualTo(DenialReason.TOKEN_REVOKED);
        assertThat(enroll(Agents.windows("pc-005"), other)).isInstanceOf(EnrollmentResult.Enrolled.class);
        assertThat(f.admin.accessKeys().require(f.acme.id(), f.keyA.id()).useCount()).isEqualTo(3);
    }

    @Test
    @DisplayName("an enrollment presenting the key of an agent past generation 1 is a copy: the agent is locked, whichever installer")
    void copiedKeyAtEnrollmentLocksTheAgent() {
        Agents genuine = Agents.windows("pc-001");
        Agent agent = ((EnrollmentResult.Enrolled) enroll(genuine, f.issue())).agent();
        for (int i = 0; i < 2; i++) {
            f.clock.advance(Duration.ofHours(1));
            assertThat(renew(genuine, agent)).isInstanceOf(RenewalResult.Renewed.class);
        }
        Group elsewhere = f.admin.groups().create(f.alice, f.acme.id(), f.acme.rootGroup().id(), "Elsewhere");
        AccessKey otherKey = f.admin.accessKeys().create(f.alice, f.acme.id(), AccessKeySpec.builder("Elsewhere key", elsewhere.id()).build());
        IssuedToken otherInstaller = f.installers.issueToken(f.alice, f.acme.id(), otherKey.id(), InstallerRequest.DEFAULTS);
        Agents copy = genuine.copy();

        EnrollmentResult r = server.enroll(copy.enrollBody(otherInstaller.token(), f.clock), ctx(Agents.ip("198.51.100.20")));
        assertThat(denial(r)).isEqualTo(DenialReason.CLONE_DETECTED);
        assertThat(r.toResponse()).isInstanceOfSatisfying(com.heartbeatrm.protocol.EnrollmentResponse.Denied.class,
                d -> assertThat(d.code()).isEqualTo(com.heartbeatrm.protocol.DenialCode.AGENT_LOCKED));
        assertThat(f.admin.agents().require(f.acme.id(), agent.id()).status()).isEqualTo(AgentStatus.LOCKED);
        assertThat(f.admin.accessKeys().require(f.acme.id(), otherKey.id()).useCount()).as("no use counted").isZero();
        AuditRecord lock = audit().stream().filter(a -> a.event().action() == AuditAction.AGENT_LOCKED).findFirst().orElseThrow();
        assertThat(lock.event().subject()).isEqualTo(Subject.of(agent.id()));
        assertThat(lock.event().after()).containsEntry("currentGeneration", "3").containsEntry("sourceAddress", "198.51.100.20")
                .containsEntry("installer", otherInstaller.record().id().value());
        assertThat(lock.event().after().get("reason")).contains("clone");
        assertThat(denial(renew(genuine, agent))).as("both copies are refused until an admin unlocks").isEqualTo(DenialReason.AGENT_LOCKED);
        assertThat(denial(server.enroll(copy.enrollBody(f.issue().token(), f.clock), ctx()))).isEqualTo(DenialReason.AGENT_LOCKED);
    }

    @Test
    @DisplayName("the same key at generation 1 is the lost-answer retry: the same agent, the same credential, no second use")
    void retryAtGenerationOneGetsTheFirstCredential() {
        Agents pc = Agents.windows("pc-001");
        IssuedToken installer = f.issue();
        EnrollmentResult.Enrolled first = (EnrollmentResult.Enrolled) enroll(pc, installer);
        f.clock.advance(Duration.ofHours(2));
        EnrollmentResult.Enrolled again = (EnrollmentResult.Enrolled) server.enroll(pc.enrollBody(installer.token(), f.clock), ctx());
        assertThat(again.agent().id()).isEqualTo(first.agent().id());
        assertThat(again.credentialExpiresAt()).isEqualTo(first.credentialExpiresAt());
        assertThat(again.credential().reveal()).isEqualTo(first.credential().reveal());
        assertThat(f.admin.accessKeys().require(f.acme.id(), f.keyA.id()).useCount()).isEqualTo(1);
        assertThat(f.admin.agents().require(f.acme.id(), first.agent().id()).status()).isEqualTo(AgentStatus.ACTIVE);
    }

    @Test
    @DisplayName("a key disabled through one node is refused by another node on its very next request")
    void disableSeenByEveryNode() {
        HeartbeatServer nodeB = f.otherNode();
        IssuedToken t = f.issue();
        assertThat(nodeB.enroll(Agents.windows("pc").enrollBody(t.token(), f.clock), ctx())).isInstanceOf(EnrollmentResult.Enrolled.class);
        f.admin.accessKeys().disable(f.alice, f.acme.id(), f.keyA.id(), "other node");
        assertThat(denial(nodeB.enroll(Agents.windows("pc2").enrollBody(t.token(), f.clock), ctx()))).isEqualTo(DenialReason.KEY_DISABLED);
    }

    @Test
    @DisplayName("the credential is signed by the issuer, bound to agent, group, key and generation, valid for the group's TTL")
    void credentials() throws Exception {
        f.admin.groups().setOverride(f.alice, f.acme.id(), f.customerA.id(), SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofHours(6));
        Agents pc = Agents.windows("pc-001");
        EnrollmentResult.Enrolled e = (EnrollmentResult.Enrolled) enroll(pc, f.issue());
        AgentCredentialVerifier verifier = new AgentCredentialVerifier(PinnedKeySet.parseJson(f.keys.publicKeySet().toJson()), f.clock);
        CredentialClaims c = verifier.verify(e.credential());
        assertThat(c.agentId()).isEqualTo(e.agent().id().value());
        assertThat(c.groupId()).isEqualTo(f.customerA.id().value());
        assertThat(c.publicKeyFingerprint()).isEqualTo(pc.keys.fingerprint());
        assertThat(c.generation()).isEqualTo(1);
        assertThat(e.agent().credentialGeneration()).isEqualTo(1);
        assertThat(c.expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofHours(6)));
        assertThat(e.credential().toString()).doesNotContain("v4.public");
        assertThat(e.toString()).doesNotContain("v4.public");

        // Moving the agent: the renewed credential follows the new group and its settings.
        Group fast = f.admin.groups().create(f.alice, f.acme.id(), f.acme.rootGroup().id(), "Short-lived");
        f.admin.groups().setOverride(f.alice, f.acme.id(), fast.id(), SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofMinutes(30));
        f.admin.agents().move(f.alice, f.acme.id(), e.agent().id(), fast.id());
        f.clock.advance(Duration.ofMinutes(1));
        RenewalResult.Renewed renewed = (RenewalResult.Renewed) renew(pc, e.agent());
        CredentialClaims c2 = verifier.verify(renewed.credential());
        assertThat(c2.groupId()).isEqualTo(fast.id().value());
        assertThat(c2.generation()).isEqualTo(2);
        assertThat(c2.expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(30)));
        assertThat(renewed.placement().groupPath()).isEqualTo("Short-lived");
    }

    @Nested
    @DisplayName("refusals")
    class Denials {
        @Test
        @DisplayName("network and platform restrictions of the group, the key and the token")
        void restrictions() {
            f.admin.groups().setOverride(f.alice, f.acme.id(), f.customerA.id(), SecuritySetting.ALLOWED_NETWORKS,
                    NetworkAllowList.parse("203.0.113.0/24"));
            IssuedToken t = f.issue();
            assertThat(denial(server.enroll(Agents.windows("pc").enrollBody(t.token(), f.clock), ctx(Agents.ip("198.51.100.1")))))
                    .isEqualTo(DenialReason.NETWORK_NOT_ALLOWED);
            AccessKey narrow = f.admin.accessKeys().create(f.alice, f.acme.id(), AccessKeySpec.builder("narrow", f.customerA.id())
                    .networks(NetworkAllowList.parse("203.0.113.128/25")).platforms(PlatformSet.of(Platform.MACOS)).build());
            IssuedToken tn = f.installers.issueToken(f.alice, f.acme.id(), narrow.id(), InstallerRequest.DEFAULTS);
            assertThat(denial(enroll(new Agents("mac", "macos"), tn))).as("key narrows the group's networks")
                    .isEqualTo(DenialReason.NETWORK_NOT_ALLOWED);
            assertThat(denial(server.enroll(Agents.windows("pc").enrollBody(tn.token(), f.clock), ctx(Agents.ip("203.0.113.200")))))
                    .isEqualTo(DenialReason.PLATFORM_NOT_ALLOWED);
            IssuedToken linuxOnly = f.installers.issueToken(f.alice, f.acme.id(), f.keyA.id(),
                    InstallerRequest.builder().platform(Platform.LINUX).build());
            assertThat(denial(enroll(Agents.windows("pc"), linuxOnly))).as("the token names its platform")
                    .isEqualTo(DenialReason.PLATFORM_NOT_ALLOWED);
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
            assertThat(denial(server.enroll(forged, ctx()))).isEqualTo(DenialReason.BAD_PROOF);

            byte[] old = EnrollmentRequest.create(t.token(), pc.keys.publicKey(), pc.facts, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                    f.clock.instant().minus(Duration.ofMinutes(6)), pc.keys::sign).toJson();
            assertThat(denial(server.enroll(old, ctx()))).isEqualTo(DenialReason.CLOCK_SKEW);

            byte[] body = pc.enrollBody(t.token(), f.clock);
            assertThat(server.enroll(body, ctx())).isInstanceOf(EnrollmentResult.Enrolled.class);
            assertThat(denial(server.enroll(body, ctx()))).isEqualTo(DenialReason.REPLAYED);

            // A public key that is not a valid Ed25519 point can never prove possession.
            byte[] notAPoint = new byte[32];
            java.util.Arrays.fill(notAPoint, (byte) 0xff);
            byte[] bad = EnrollmentRequest.create(t.token(), notAPoint, pc.facts, "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", f.clock.instant(),
                    m -> new byte[64]).toJson();
            assertThat(denial(server.enroll(bad, ctx()))).isEqualTo(DenialReason.BAD_PROOF);
            assertThat(f.admin.accessKeys().require(f.acme.id(), f.keyA.id()).useCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("malformed bodies are typed denials, each with its own reason, and count or store nothing")
        void badBodies() {
            Agents pc = Agents.windows("pc");
            String good = new String(pc.enrollBody(f.issue().token(), f.clock), StandardCharsets.UTF_8);
            record Case(String body, DenialReason reason) {
            }
            List<Case> cases = List.of(new Case("", DenialReason.REQUEST_NOT_JSON), new Case("null", DenialReason.REQUEST_NOT_JSON),
                    new Case("[]", DenialReason.REQUEST_NOT_JSON), new Case("{", DenialReason.REQUEST_NOT_JSON),
                    new Case("{\"v\":1}", DenialReason.REQUEST_MISSING_FIELD),
                    new Case(good.replace("\"v\":1", "\"v\":2"), DenialReason.REQUEST_UNSUPPORTED_VERSION),
                    new Case(good.replace("\"v\":1", "\"v\":\"1\""), DenialReason.REQUEST_WRONG_TYPE),
                    new Case(good.replace("\"hostname\"", "\"hostName\""), DenialReason.REQUEST_UNKNOWN_FIELD),
                    new Case(good.replace("{\"v\":1,", "{\"v\":1,\"extra\":\"x\","), DenialReason.REQUEST_UNKNOWN_FIELD),
                    new Case(good.replace("{\"v\":1,", "{\"v\":1,\"v\":1,"), DenialReason.REQUEST_DUPLICATE_FIELD),
                    new Case(good.replace("\"platform\":\"windows\"", "\"platform\":\"beos\""), DenialReason.REQUEST_INVALID_VALUE),
                    new Case(good + "x", DenialReason.REQUEST_NOT_JSON),
                    new Case(good.replace("\"hostname\":\"pc\",", ""), DenialReason.REQUEST_MISSING_FIELD),
                    new Case("{\"v\":1,\"token\":\"v4.public.AAAA\",\"publicKey\":\"x\"}", DenialReason.REQUEST_INVALID_VALUE));
            int n = 0;
            for (Case c : cases) {
                // One address per body: ten failures from one address would throttle it.
                InetAddress from = Agents.ip("192.0.2." + (++n));
                assertThat(denial(server.enroll(c.body().getBytes(StandardCharsets.UTF_8), ctx(from))))
                        .as(c.body().length() > 60 ? c.body().substring(0, 60) : c.body()).isEqualTo(c.reason());
            }
            assertThat(denial(server.enroll(new byte[40 * 1024], ctx()))).isEqualTo(DenialReason.REQUEST_OVERSIZED);
            // Well-formed but changed after signing: the proof no longer covers it.
            assertThat(denial(server.enroll(good.replace("\"hostname\":\"pc\"", "\"hostname\":\"evil\"")
                    .getBytes(StandardCharsets.UTF_8), ctx()))).isEqualTo(DenialReason.BAD_PROOF);
            assertThat(f.admin.accessKeys().require(f.acme.id(), f.keyA.id()).useCount()).isZero();
            assertThat(f.admin.agents().listByGroup(f.acme.id(), f.customerA.id(), PageRequest.first(10)).items()).isEmpty();
        }

        @Test
        @DisplayName("a one-use key: a different agent is refused EXHAUSTED; the same agent retrying gets its agent back")
        void oneUseKeyAndIdempotentRetry() {
            AccessKey once = f.admin.accessKeys().create(f.alice, f.acme.id(), AccessKeySpec.builder("once", f.customerA.id()).maxUses(1).build());
            IssuedToken t = f.installers.issueToken(f.alice, f.acme.id(), once.id(), InstallerRequest.DEFAULTS);
            Agents pc = Agents.windows("pc");
            Agent first = ((EnrollmentResult.Enrolled) enroll(pc, t)).agent();
            f.clock.advance(Duration.ofSeconds(5));
            EnrollmentResult again = enroll(pc, t);
            assertThat(again).isInstanceOfSatisfying(EnrollmentResult.Enrolled.class, e -> assertThat(e.agent().id()).isEqualTo(first.id()));
            assertThat(denial(enroll(Agents.windows("other"), t))).isEqualTo(DenialReason.KEY_EXHAUSTED);
            assertThat(f.admin.accessKeys().require(f.acme.id(), once.id()).useCount()).isEqualTo(1);
        }

        @Test
        @DisplayName("a single-use installer: one computer enrolls, its lost-answer retry gets its agent back, the next is INSTALLER_USED")
        void singleUseInstaller() {
            IssuedToken t = f.installers.issueToken(f.alice, f.acme.id(), f.keyA.id(), InstallerRequest.builder().singleUse(true).build());
            assertThat(t.record().maxUses()).hasValue(1);
            assertThat(t.record().expiresAt()).contains(f.clock.instant().plus(InstallerRequest.SINGLE_USE_EXPIRY));
            Agents pc = Agents.windows("pc");
            Agent first = ((EnrollmentResult.Enrolled) enroll(pc, t)).agent();
            f.clock.advance(Duration.ofSeconds(5));
            assertThat(enroll(pc, t)).isInstanceOfSatisfying(EnrollmentResult.Enrolled.class, e -> assertThat(e.agent().id()).isEqualTo(first.id()));
            assertThat(denial(enroll(Agents.windows("other"), t))).isEqualTo(DenialReason.INSTALLER_USED);
            assertThat(f.installers.check(t.token())).isInstanceOfSatisfying(TokenCheck.Denied.class,
                    r -> assertThat(r.reason()).isEqualTo(DenialReason.INSTALLER_USED));
            assertThat(f.admin.accessKeys().require(f.acme.id(), f.keyA.id()).useCount()).isEqualTo(1);
            assertThat(f.installers.require(f.acme.id(), t.record().id()).useCount()).isEqualTo(1);
            // Another installer of the same key is unaffected: the limit is the installer's own.
            assertThat(enroll(Agents.windows("third"), f.issue())).isInstanceOf(EnrollmentResult.Enrolled.class);
            assertThatThrownBy(() -> f.installers.issueToken(f.alice, f.acme.id(), f.keyA.id(), InstallerRequest.builder().singleUse(true)
                    .expiresIn(Duration.ofDays(30)).build())).isInstanceOf(com.heartbeatrm.core.InvalidInputException.class);
        }

        @Test
        @DisplayName("a removed signing key, a token of another deployment, or one never recorded is refused")
        void foreignAndUnrecorded() {
            Fixture other = new Fixture();
            assertThat(denial(enroll(Agents.windows("pc"), other.issue()))).isEqualTo(DenialReason.UNKNOWN_SIGNING_KEY);
            IssuedToken before = f.issue();
            f.keys.rotate();
            f.keys.remove(before.record().signingKeyId());
            assertThat(denial(enroll(Agents.windows("pc2"), before))).isEqualTo(DenialReason.UNKNOWN_SIGNING_KEY);
            HeartbeatServer elsewhere = HeartbeatServer.builder(f.store, f.kek, "https://someone-else.example").clock(f.clock)
                    .endpoints(Fixture.ENDPOINTS).build();
            assertThat(denial(elsewhere.enroll(Agents.windows("pc3").enrollBody(f.issue().token(), f.clock), ctx())))
                    .isEqualTo(DenialReason.WRONG_ISSUER);
        }
    }

    @Nested
    @DisplayName("approvals")
    class Approvals {
        @Test
        @DisplayName("requireApproval: pending until approved, then the next poll gets generation 1; deny disables")
        void approveAndDeny() {
            IssuedToken t = f.issueRequiringApproval();
            Agents a = Agents.windows("pc-a");
            Agents b = Agents.windows("pc-b");
            Agent pa = ((Pending) enroll(a, t)).agent();
            f.clock.advance(Duration.ofSeconds(1));
            Agent pb = ((Pending) enroll(b, t)).agent();
            assertThat(pa.status()).isEqualTo(AgentStatus.PENDING);
            assertThat(pa.credentialGeneration()).isZero();
            assertThat(f.admin.agents().listPending(f.acme.id(), PageRequest.first(10)).items()).extracting(Agent::id)
                    .containsExactly(pa.id(), pb.id());
            assertThat(renew(a, pa)).isInstanceOf(Pending.class);

            f.admin.agents().approve(f.alice, f.acme.id(), pa.id());
            RenewalResult approved = renew(a, pa);
            assertThat(approved).isInstanceOfSatisfying(RenewalResult.Renewed.class,
                    r -> assertThat(r.agent().credentialGeneration()).isEqualTo(1));
            assertThat(renew(a, pa)).isInstanceOfSatisfying(RenewalResult.Renewed.class,
                    r -> assertThat(r.agent().credentialGeneration()).isEqualTo(2));
            f.admin.agents().reject(f.alice, f.acme.id(), pb.id());
            assertThat(denial(renew(b, pb))).isEqualTo(DenialReason.AGENT_DISABLED);
            assertThat(audit()).extracting(r -> r.event().action()).contains(AuditAction.AGENT_APPROVED, AuditAction.AGENT_DENIED);
        }

        @Test
        @DisplayName("pending agents expire after the configured time")
        void pendingExpiry() {
            Fixture g = new Fixture(EnrollmentPolicy.builder().pendingTtl(Duration.ofHours(1)).build());
            IssuedToken t = g.issueRequiringApproval();
            Agents a = Agents.windows("pc-a");
            Agents b = Agents.windows("pc-b");
            Agent pa = ((Pending) g.server.enroll(a.enrollBody(t.token(), g.clock), g.server.contextFor(OFFICE))).agent();
            Agent pb = ((Pending) g.server.enroll(b.enrollBody(t.token(), g.clock), g.server.contextFor(OFFICE))).agent();
            g.clock.advance(Duration.ofHours(1));
            assertThat(denial(g.server.renew(a.renewBody(pa, g.clock), g.server.contextFor(OFFICE)))).isEqualTo(DenialReason.PENDING_EXPIRED);
            assertThat(g.admin.agents().require(g.acme.id(), pa.id()).status()).isEqualTo(AgentStatus.DISABLED);
            assertThat(g.server.expirePending(g.acme.id())).isEqualTo(1);
            assertThat(g.admin.agents().require(g.acme.id(), pb.id()).status()).isEqualTo(AgentStatus.DISABLED);
            assertThat(g.admin.agents().listPending(g.acme.id(), PageRequest.first(10)).items()).isEmpty();
        }
    }

    @Test
    @DisplayName("renewal: a disabled or deleted agent is refused; a foreign key cannot renew another agent; a nonce counts once")
    void renewalRules() {
        Agents pc = Agents.windows("pc");
        Agent agent = ((EnrollmentResult.Enrolled) enroll(pc, f.issue())).agent();
        Agents impostor = Agents.windows("pc");
        impostor.credential = pc.credential;
        assertThat(denial(server.renew(impostor.renewBody(agent, f.clock), ctx()))).as("the agent is found first: it holds another key")
                .isEqualTo(DenialReason.BAD_PROOF);
        impostor.credential = null;
        assertThat(denial(server.renew(impostor.renewBody(agent, f.clock), ctx()))).isEqualTo(DenialReason.BAD_PROOF);
        byte[] body = pc.renewBody(agent, f.clock);
        assertThat(pc.keep(server.renew(body, ctx()))).isInstanceOf(RenewalResult.Renewed.class);
        f.admin.agents().setStatus(f.alice, f.acme.id(), agent.id(), AgentStatus.DISABLED);
        assertThat(denial(renew(pc, agent))).isEqualTo(DenialReason.AGENT_DISABLED);
        f.admin.agents().delete(f.alice, f.acme.id(), agent.id());
        assertThat(denial(renew(pc, agent))).isEqualTo(DenialReason.AGENT_NOT_FOUND);
        assertThat(denial(server.renew("{\"v\":1}".getBytes(StandardCharsets.UTF_8), ctx()))).isEqualTo(DenialReason.REQUEST_MISSING_FIELD);
    }

    @Test
    @DisplayName("dry run explains each check and consumes nothing")
    void dryRun() {
        IssuedToken t = f.issue();
        Agents pc = Agents.windows("pc");
        byte[] body = pc.enrollBody(t.token(), f.clock);
        DryRun d = server.explain(body, ctx());
        assertThat(d.outcome()).isEqualTo(DryRun.Conclusion.WOULD_ENROLL);
        assertThat(d.group()).contains(f.customerA.id());
        assertThat(d.checks()).extracting(DryRun.Check::status).containsOnly(DryRun.Status.PASSED);
        assertThat(d.checks()).extracting(DryRun.Check::name).containsExactly("request", "token", "proof of possession", "clock",
                "attestation", "signing key", "throttling", "identity", "installer", "access key", "attestation required", "restrictions",
                "replay", "enrollment");
        assertThat(f.admin.accessKeys().require(f.acme.id(), f.keyA.id()).useCount()).isZero();
        long auditBefore = audit().size();

        f.admin.accessKeys().disable(f.alice, f.acme.id(), f.keyA.id(), "x");
        DryRun denied = server.explain(body, ctx());
        assertThat(denied.outcome()).isEqualTo(DryRun.Conclusion.WOULD_DENY);
        assertThat(denied.denial()).contains(DenialReason.KEY_DISABLED);
        assertThat(denied.checks()).filteredOn(c -> c.status() == DryRun.Status.NOT_REACHED).extracting(DryRun.Check::name)
                .containsExactly("attestation required", "restrictions", "replay", "enrollment");
        f.admin.accessKeys().enable(f.alice, f.acme.id(), f.keyA.id());
        assertThat(audit().size()).as("a dry run writes no audit event").isEqualTo(auditBefore + 2);

        assertThat(server.enroll(body, ctx())).as("the dry run did not use up the nonce").isInstanceOf(EnrollmentResult.Enrolled.class);
        assertThat(server.explain(body, ctx()).outcome()).isEqualTo(DryRun.Conclusion.ALREADY_ENROLLED);
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

        assertThat(f.admin.agents().listByKey(f.acme.id(), f.keyA.id(), PageRequest.first(10)).items()).containsExactly(agent);
        assertThat(f.admin.agents().listByInstaller(f.acme.id(), t.record().id(), PageRequest.first(10)).items()).containsExactly(agent);
        assertThat(f.admin.agents().listByGroup(f.acme.id(), f.customerA.id(), PageRequest.first(10)).items()).containsExactly(agent);
        AccessKey key = f.admin.accessKeys().require(f.acme.id(), f.keyA.id());
        assertThat(key.lastUsedBy()).contains(agent.id());
        assertThat(key.lastUsedAt()).contains(agent.enrolledAt());
    }

    @Test
    @DisplayName("the observer sees every enrollment and renewal with its outcome and duration; a failing observer changes nothing")
    void observer() {
        List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        HeartbeatServer observed = HeartbeatServer.builder(f.store, f.kek, Fixture.ISSUER).clock(f.clock).endpoints(Fixture.ENDPOINTS)
                .observer(new EnrollmentObserver() {
                    @Override
                    public void enrolled(EnrollmentResult result, Duration took) {
                        seen.add(result);
                        assertThat(took).isPositive();
                        throw new IllegalStateException("observers must not break enrollment");
                    }

                    @Override
                    public void renewed(RenewalResult result, Duration took) {
                        seen.add(result);
                    }
                }).build();
        Agents pc = Agents.windows("pc");
        EnrollmentResult r = pc.keep(observed.enroll(pc.enrollBody(f.issue().token(), f.clock), ctx()));
        assertThat(r).isInstanceOf(EnrollmentResult.Enrolled.class);
        observed.renew(pc.renewBody(((EnrollmentResult.Enrolled) r).agent(), f.clock), ctx());
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1)).isInstanceOf(RenewalResult.Renewed.class);
    }
}
