package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.agent.CustodyKey;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AttestationRequirement;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.AttestationChallenge;
import com.heartbeatrm.protocol.AttestationChallengeRequest;
import com.heartbeatrm.protocol.AttestationEvidence;
import com.heartbeatrm.protocol.EnrollmentAttestation;
import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.testkit.MutableClock;
import com.heartbeatrm.tpm.AttestationVerifier;
import com.heartbeatrm.tpm.Swtpm;
import com.heartbeatrm.tpm.TestCa;
import com.heartbeatrm.tpm.Tpm;
import com.heartbeatrm.tpm.TpmEnrollmentAttestor;
import com.heartbeatrm.tpm.TpmKeyBlob;
import com.heartbeatrm.tpm.TpmKeyCustody;
import com.heartbeatrm.tpm.TpmLabFixture;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TPM 2.0-attested enrollment through the server's transport-neutral endpoint (what the reference server, the servlet
 * and Spring Boot all call), with real swtpm instances whose EK certificates come from CAs made here: the agent side
 * is the SDK's own TPM custody and attestor. Each refusal names its reason.
 */
class AttestedEnrollmentTest extends TpmLabFixture {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    final Actor alice = Actor.of("alice");
    TestCa trustedCa;
    Swtpm trustedTpm;
    Swtpm untrustedTpm;
    Swtpm bareTpm;
    Swtpm replacementTpm;
    MutableClock clock;
    HeartbeatServer server;
    NewOrganization org;
    Group group;
    AccessKey key;

    @BeforeAll
    void manufacture() throws Exception {
        trustedCa = lab.trustedCa();
        trustedTpm = lab.trustedTpm();
        untrustedTpm = lab.manufacture("tpm-other", lab.otherCa());
        bareTpm = lab.manufacture("tpm-bare", null);
        replacementTpm = lab.manufacture("tpm-replacement", trustedCa);
    }

    @BeforeEach
    void deployment() {
        // After manufacturing: the EK certificates are valid from the second they were issued.
        clock = new MutableClock(Instant.now().plusSeconds(2));
        server = HeartbeatServer.builder(new InMemoryHeartbeatStore(), AesGcmKeyEncryptionKey.generate("kek"), Fixture.ISSUER).clock(clock)
                .endpoints(List.of(URI.create("https://heartbeat.example/v1/"))).attestationChallengeLifetime(Duration.ofMinutes(5)).build();
        server.signingKeys().ensureActiveKey();
        org = server.admin().organizations().setUp(alice, "Acme MSP");
        group = server.admin().groups().create(alice, org.id(), org.rootGroup().id(), "Customer A");
        key = server.admin().accessKeys().create(alice, org.id(), AccessKeySpec.builder("Customer A Access Key", group.id()).build());
        server.admin().attestation().trustCa(org.id(), alice, der(trustedCa.certificate()));
    }

    static byte[] der(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** The RSA 2048 EK of a TPMT_PUBLIC of template L-1: its modulus is the last 256 bytes; exponent 0 means 65537. */
    static java.security.PublicKey rsaEndorsementKey(byte[] tpmtPublic) throws Exception {
        byte[] modulus = java.util.Arrays.copyOfRange(tpmtPublic, tpmtPublic.length - 256, tpmtPublic.length);
        return java.security.KeyFactory.getInstance("RSA").generatePublic(new java.security.spec.RSAPublicKeySpec(
                new java.math.BigInteger(1, modulus), java.math.BigInteger.valueOf(65537)));
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    IssuedToken issue() {
        return server.installers().issueToken(alice, org.id(), key.id(), InstallerRequest.DEFAULTS);
    }

    EndpointResponse post(String path, byte[] body) {
        return server.endpoint().handle(new EndpointRequest("POST", path, body, LOOPBACK));
    }

    /** One agent on one TPM: its key in the TPM, its attestor. */
    final class TpmAgent implements AutoCloseable {
        final Tpm tpm;
        final CustodyKey agentKey;
        final TpmEnrollmentAttestor attestor;
        final IssuedToken token;

        TpmAgent(Swtpm swtpm, IssuedToken token) throws Exception {
            this.tpm = swtpm.open();
            this.agentKey = new TpmKeyCustody(tpm).generate();
            this.attestor = new TpmEnrollmentAttestor(tpm);
            this.token = token;
        }

        EndpointResponse askChallenge(AttestationEvidence evidence) {
            return post(EnrollmentProtocol.CHALLENGE_PATH, new AttestationChallengeRequest(token.token(), evidence).toJson());
        }

        AttestationChallenge challenge() throws Exception {
            EndpointResponse r = askChallenge(attestor.begin());
            assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
            return AttestationChallenge.parse(r.body());
        }

        byte[] enrollment(CustodyKey signer, Optional<EnrollmentAttestation> attestation) {
            return enrollment(signer, attestation, Optional.empty());
        }

        byte[] enrollment(CustodyKey signer, Optional<EnrollmentAttestation> attestation, Optional<String> machine) {
            return EnrollmentRequest.create(token.token(), signer.algorithm(), signer.publicKey(), new AgentFacts("pc-1", "linux", "6", "1",
                    machine), attestation, nonce(), clock.instant(), signer::sign).toJson();
        }

        /** Enrolls with attestation from the machine {@code machine}. */
        EnrollmentResult enrollAttested(String machine) throws Exception {
            return enroll(enrollment(agentKey, Optional.of(attestor.answer(challenge(), agentKey)), Optional.of(machine)));
        }

        EnrollmentResult enroll(byte[] body) {
            return server.enroll(body, server.contextFor(LOOPBACK));
        }

        @Override
        public void close() {
            tpm.close();
        }
    }

    static String nonce() {
        byte[] b = new byte[16];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static DenialReason denial(EnrollmentResult r) {
        assertThat(r).isInstanceOf(Denied.class);
        return ((Denied) r).reason();
    }

    static String reasonOf(EndpointResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void anAttestedAgentIsRecordedWithItsEkAndCaAndAudited() throws Exception {
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            AttestationChallenge c = a.challenge();
            // The wire carries whole seconds.
            assertThat(c.expiresAt()).isBetween(clock.instant().plus(Duration.ofMinutes(5)).minusSeconds(1), clock.instant().plus(Duration.ofMinutes(5)));
            clock.advance(Duration.ofSeconds(30));
            EnrollmentAttestation answer = a.attestor.answer(c, a.agentKey);
            EndpointResponse r = post(EnrollmentProtocol.ENROLL_PATH, a.enrollment(a.agentKey, Optional.of(answer)));
            assertThat(r.status()).as(reasonOf(r)).isEqualTo(200);

            Agent agent = server.admin().agents().listByStatus(org.id(), AgentStatus.ACTIVE, PageRequest.first(10)).items().get(0);
            assertThat(agent.attestation()).isPresent();
            String caFingerprint = sha256(der(trustedCa.certificate()));
            assertThat(agent.attestation().get().trustedBy()).isEqualTo(caFingerprint);
            X509Certificate ekCert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(a.attestor.begin().endorsementCertificate().orElseThrow()));
            assertThat(agent.attestation().get().endorsementKeySha256()).isEqualTo(AttestationVerifier.endorsementKeySha256(ekCert.getPublicKey()));

            AuditEvent enrolled = server.admin().audit().query(AuditQuery.all(org.id()).withPage(PageRequest.first(100))).items().stream()
                    .map(com.heartbeatrm.core.AuditRecord::event).filter(e -> e.action() == AuditAction.AGENT_ENROLLED).findFirst().orElseThrow();
            assertThat(enrolled.after()).containsEntry("trustedBy", caFingerprint)
                    .containsEntry("endorsementKeySha256", agent.attestation().get().endorsementKeySha256());
            String secret = HexFormat.of().formatHex(answer.credential());
            assertThat(enrolled.toString()).doesNotContain(secret);
        }
    }

    @Test
    void aGroupRequiringTpmRefusesAnEnrollmentWithoutAttestationAndAdmitsAnAttestedOne() throws Exception {
        server.admin().groups().setOverride(alice, org.id(), group.id(), SecuritySetting.ATTESTATION, AttestationRequirement.TPM);
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            EndpointResponse r = post(EnrollmentProtocol.ENROLL_PATH, a.enrollment(a.agentKey, Optional.empty()));
            assertThat(r.status()).isEqualTo(403);
            assertThat(reasonOf(r)).contains("\"attestation_required\"");
            AttestationChallenge c = a.challenge();
            EnrollmentResult.Enrolled enrolled = (EnrollmentResult.Enrolled) a.enroll(a.enrollment(a.agentKey,
                    Optional.of(a.attestor.answer(c, a.agentKey))));
            // The attested agent renews in the group that requires attestation: its key signs, nothing is attested again.
            clock.advance(Duration.ofHours(1));
            byte[] renewal = com.heartbeatrm.protocol.RenewalRequest.create(enrolled.agent().id().value(), org.id().value(), a.agentKey,
                    Optional.of(enrolled.credential()), clock).toJson();
            assertThat(server.renew(renewal, server.contextFor(LOOPBACK))).isInstanceOfSatisfying(RenewalResult.Renewed.class,
                    renewed -> assertThat(renewed.agent().credentialGeneration()).isEqualTo(2));
        }
    }

    @Test
    void anEkFromACaTheOrganizationDoesNotTrustIsRefusedAtTheChallenge() throws Exception {
        try (TpmAgent a = new TpmAgent(untrustedTpm, issue())) {
            AttestationEvidence evidence = a.attestor.begin();
            EndpointResponse r = a.askChallenge(evidence);
            assertThat(r.status()).isEqualTo(403);
            assertThat(reasonOf(r)).contains("\"attestation_untrusted\"");
            // The audit record says what an operator needs: the failed check, the EK certificate's issuer and key hash.
            X509Certificate ekCert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(evidence.endorsementCertificate().orElseThrow()));
            AuditEvent denied = deniedEvents().get(0);
            assertThat(denied.after()).containsEntry("outcome", "ATTESTATION_UNTRUSTED")
                    .containsEntry("ekCertificateIssuer", ekCert.getIssuerX500Principal().getName())
                    .containsEntry("ekCertificateKeySha256", AttestationVerifier.endorsementKeySha256(ekCert.getPublicKey()));
            assertThat(denied.after().get("attestationDetail")).contains("does not chain to a trusted manufacturer CA").hasSizeLessThanOrEqualTo(300);
        }
    }

    @Test
    void aTpmWithoutEkCertificateIsRefusedUntilItsEkIsAllowListed() throws Exception {
        try (TpmAgent a = new TpmAgent(bareTpm, issue())) {
            AttestationEvidence evidence = a.attestor.begin();
            assertThat(evidence.endorsementCertificate()).isEmpty();
            EndpointResponse r = a.askChallenge(evidence);
            assertThat(reasonOf(r)).contains("\"attestation_untrusted\"");

            String ek = AttestationVerifier.endorsementKeySha256(rsaEndorsementKey(evidence.endorsementKeyPublic()));
            // The refusal's audit record names the EK's hash: the value to allow-list.
            assertThat(deniedEvents()).singleElement().satisfies(e -> {
                assertThat(e.after().get("attestationDetail")).contains("EK SHA-256 " + ek);
                assertThat(e.after()).doesNotContainKey("ekCertificateIssuer");
            });
            server.admin().attestation().allowEndorsementKey(org.id(), alice, ek, "lab machine");
            AttestationChallenge c = a.challenge();
            EnrollmentResult done = a.enroll(a.enrollment(a.agentKey, Optional.of(a.attestor.answer(c, a.agentKey))));
            assertThat(done).isInstanceOfSatisfying(EnrollmentResult.Enrolled.class,
                    e -> assertThat(e.agent().attestation().orElseThrow().trustedBy()).isEqualTo("allow-list"));
        }
    }

    @Test
    void aChallengeAnsweredTwiceIsReplayedForAnotherKeyButAnsweredAgainForTheKeyItEnrolled() throws Exception {
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            AttestationChallenge c = a.challenge();
            EnrollmentAttestation answer = a.attestor.answer(c, a.agentKey);
            byte[] first = a.enrollment(a.agentKey, Optional.of(answer));
            EnrollmentResult.Enrolled enrolled = (EnrollmentResult.Enrolled) a.enroll(first);
            // Its answer was lost: the client sends the same evidence again, signed afresh (a new request nonce), or the
            // same bytes. Either gets what the first answer held, as a plain enrollment's retry does: same agent, same
            // credential (same generation and expiry), and nothing more is stored.
            clock.advance(Duration.ofSeconds(5));
            for (byte[] again : List.of(a.enrollment(a.agentKey, Optional.of(answer)), first)) {
                assertThat(a.enroll(again)).isInstanceOfSatisfying(EnrollmentResult.Enrolled.class, e -> {
                    assertThat(e.agent().id()).isEqualTo(enrolled.agent().id());
                    assertThat(e.agent().credentialGeneration()).isEqualTo(1);
                    assertThat(e.agent().credentialExpiresAt()).isEqualTo(enrolled.agent().credentialExpiresAt());
                    assertThat(e.credential()).isEqualTo(enrolled.credential());
                });
            }
            assertThat(enrolledEvents()).hasSize(1);
            assertThat(server.admin().agents().listByStatus(org.id(), AgentStatus.ACTIVE, PageRequest.first(10)).items()).hasSize(1);
            // Another key of the same TPM, certified under the same challenge: the challenge is single use.
            CustodyKey second = new TpmKeyCustody(a.tpm).generate();
            assertThat(denial(a.enroll(a.enrollment(second, Optional.of(a.attestor.answer(c, second)))))).isEqualTo(DenialReason.REPLAYED);
        }
    }

    @Test
    void aChallengeAnsweredAfterItsLifetimeIsStale() throws Exception {
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            AttestationChallenge c = a.challenge();
            EnrollmentAttestation answer = a.attestor.answer(c, a.agentKey);
            clock.advance(Duration.ofMinutes(5).plusSeconds(1));
            EndpointResponse r = post(EnrollmentProtocol.ENROLL_PATH, a.enrollment(a.agentKey, Optional.of(answer)));
            assertThat(r.status()).isEqualTo(403);
            assertThat(reasonOf(r)).contains("\"attestation_stale\"");
        }
    }

    @Test
    void anAttestationKeyWithoutTheRestrictedAttributeIsRefused() throws Exception {
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            AttestationEvidence real = a.attestor.begin();
            byte[] ak = real.attestationKeyPublic();
            // TPMT_PUBLIC: type (2), nameAlg (2), objectAttributes (4, big-endian); restricted is bit 16.
            assertThat(ak[5] & 0x01).isEqualTo(1);
            ak[5] &= (byte) ~0x01;
            EndpointResponse r = a.askChallenge(new AttestationEvidence(real.endorsementCertificate(), real.endorsementKeyPublic(), ak));
            assertThat(r.status()).isEqualTo(403);
            assertThat(reasonOf(r)).contains("\"attestation_invalid\"");
        }
    }

    @Test
    void aKeyTheAttestationKeyDidNotCertifyIsRefused() throws Exception {
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            AttestationChallenge c = a.challenge();
            EnrollmentAttestation certified = a.attestor.answer(c, a.agentKey);
            CustodyKey other = new TpmKeyCustody(a.tpm).generate();
            byte[] otherPublicArea = TpmKeyBlob.parse(other.reference()).publicArea();
            // The certification names the first key; the request presents (and signs with) another TPM key.
            EnrollmentAttestation swapped = new EnrollmentAttestation(certified.challengeId(), certified.credential(), certified.certifyInfo(),
                    certified.signature(), otherPublicArea);
            assertThat(denial(a.enroll(a.enrollment(other, Optional.of(swapped))))).isEqualTo(DenialReason.ATTESTATION_INVALID);
            // The certified key's evidence, but the request is another key's.
            assertThat(denial(a.enroll(a.enrollment(other, Optional.of(certified))))).isEqualTo(DenialReason.ATTESTATION_INVALID);
        }
    }

    @Test
    void aCaRemovedSinceTheChallengeIsUntrustedAtEnrollment() throws Exception {
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            AttestationChallenge c = a.challenge();
            server.admin().attestation().removeCa(org.id(), alice, sha256(der(trustedCa.certificate())));
            assertThat(denial(a.enroll(a.enrollment(a.agentKey, Optional.of(a.attestor.answer(c, a.agentKey))))))
                    .isEqualTo(DenialReason.ATTESTATION_UNTRUSTED);
        }
    }

    @Test
    void aChallengeForAnotherInstallerOrForgedIsInvalid() throws Exception {
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            AttestationChallenge c = a.challenge();
            EnrollmentAttestation answer = a.attestor.answer(c, a.agentKey);
            IssuedToken another = issue();
            byte[] withAnotherInstaller = EnrollmentRequest.create(another.token(), a.agentKey.algorithm(), a.agentKey.publicKey(),
                    new AgentFacts("pc-1", "linux", "6", "1", Optional.empty()), Optional.of(answer), nonce(), clock.instant(),
                    a.agentKey::sign).toJson();
            assertThat(denial(a.enroll(withAnotherInstaller))).isEqualTo(DenialReason.ATTESTATION_INVALID);
            byte[] forged = c.challengeId();
            forged[forged.length - 1] ^= 1;
            EnrollmentAttestation tampered = new EnrollmentAttestation(forged, answer.credential(), answer.certifyInfo(), answer.signature(),
                    answer.keyPublic());
            assertThat(denial(a.enroll(a.enrollment(a.agentKey, Optional.of(tampered))))).isEqualTo(DenialReason.ATTESTATION_INVALID);
        }
    }

    @Test
    void anAttestedAgentSkipsApprovalOnlyWhereTheGroupSaysSo() throws Exception {
        server.admin().groups().setOverride(alice, org.id(), group.id(), SecuritySetting.REQUIRE_APPROVAL, true);
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            assertThat(a.enroll(a.enrollment(a.agentKey, Optional.of(a.attestor.answer(a.challenge(), a.agentKey))))).isInstanceOf(Pending.class);
        }
        server.admin().groups().setOverride(alice, org.id(), group.id(), SecuritySetting.ATTESTED_SKIPS_APPROVAL, true);
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            assertThat(a.enroll(a.enrollment(a.agentKey, Optional.empty()))).isInstanceOf(Pending.class);
        }
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            assertThat(a.enroll(a.enrollment(a.agentKey, Optional.of(a.attestor.answer(a.challenge(), a.agentKey)))))
                    .isInstanceOfSatisfying(EnrollmentResult.Enrolled.class, e -> assertThat(e.agent().status()).isEqualTo(AgentStatus.ACTIVE));
        }
    }

    @Test
    void aChallengeRequestWithoutAValidTokenCostsNothingAndIsRefused() throws Exception {
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            AttestationEvidence evidence = a.attestor.begin();
            String body = new String(new AttestationChallengeRequest(a.token.token(), evidence).toJson(), StandardCharsets.UTF_8);
            int sig = body.indexOf("\"token\":\"") + 9;
            // Flip one character of the token's text: its signature no longer verifies.
            String broken = body.substring(0, sig + 5) + (body.charAt(sig + 5) == 'A' ? 'B' : 'A') + body.substring(sig + 6);
            EndpointResponse r = post(EnrollmentProtocol.CHALLENGE_PATH, broken.getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).isEqualTo(403);
            assertThat(reasonOf(r)).contains("\"invalid_installer\"");
            assertThat(post(EnrollmentProtocol.CHALLENGE_PATH, "{\"v\":1,\"extra\":1}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(400);
        }
    }

    List<AuditEvent> deniedEvents() {
        return server.admin().audit().query(AuditQuery.all(org.id()).withPage(PageRequest.first(100))).items().stream()
                .map(com.heartbeatrm.core.AuditRecord::event).filter(e -> e.action() == AuditAction.ENROLLMENT_DENIED).toList();
    }

    List<AuditEvent> enrolledEvents() {
        return server.admin().audit().query(AuditQuery.all(org.id()).withPage(PageRequest.first(100))).items().stream()
                .map(com.heartbeatrm.core.AuditRecord::event).filter(e -> e.action() == AuditAction.AGENT_ENROLLED).toList();
    }

    static AgentStatus statusOf(EnrollmentResult r) {
        if (r instanceof EnrollmentResult.Enrolled e) {
            return e.agent().status();
        }
        assertThat(r).isInstanceOf(Pending.class);
        return ((Pending) r).agent().status();
    }

    @Test
    void aReplacedTpmOnTheSameMachineWaitsForApprovalWhateverTheGroupSays() throws Exception {
        server.admin().groups().setOverride(alice, org.id(), group.id(), SecuritySetting.REQUIRE_APPROVAL, true);
        server.admin().groups().setOverride(alice, org.id(), group.id(), SecuritySetting.ATTESTED_SKIPS_APPROVAL, true);
        String oldEk;
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            EnrollmentResult first = a.enrollAttested("hw-uuid-1");
            assertThat(statusOf(first)).isEqualTo(AgentStatus.ACTIVE);
            oldEk = ((EnrollmentResult.Enrolled) first).agent().attestation().orElseThrow().endorsementKeySha256();
        }
        try (TpmAgent b = new TpmAgent(replacementTpm, issue())) {
            EnrollmentResult second = b.enrollAttested("hw-uuid-1");
            assertThat(second).isInstanceOf(Pending.class);
            Agent held = ((Pending) second).agent();
            assertThat(held.status()).isEqualTo(AgentStatus.PENDING);
            assertThat(held.machineFingerprint()).contains("hw-uuid-1");
            String newEk = held.attestation().orElseThrow().endorsementKeySha256();
            assertThat(newEk).isNotEqualTo(oldEk);
            AuditEvent audited = enrolledEvents().stream().filter(e -> e.after().containsKey("tpmReplaced")).findFirst().orElseThrow();
            assertThat(audited.after().get("tpmReplaced")).contains(oldEk).contains(newEk);
            assertThat(audited.subject().id()).isEqualTo(held.id().value());
        }
        // A group that requires no approval at all holds it too; an agent enrolled without attestation counts as another TPM.
        server.admin().groups().setOverride(alice, org.id(), group.id(), SecuritySetting.REQUIRE_APPROVAL, false);
        try (TpmAgent plain = new TpmAgent(trustedTpm, issue())) {
            assertThat(statusOf(plain.enroll(plain.enrollment(plain.agentKey, Optional.empty(), Optional.of("hw-uuid-2"))))).isEqualTo(AgentStatus.ACTIVE);
        }
        try (TpmAgent c = new TpmAgent(trustedTpm, issue())) {
            assertThat(c.enrollAttested("hw-uuid-2")).isInstanceOf(Pending.class);
            assertThat(enrolledEvents()).filteredOn(e -> e.after().getOrDefault("tpmReplaced", "").contains("EK none")).hasSize(1);
        }
        // Another machine's fingerprint, or none, is not held.
        try (TpmAgent d = new TpmAgent(replacementTpm, issue())) {
            assertThat(statusOf(d.enrollAttested("hw-uuid-3"))).isEqualTo(AgentStatus.ACTIVE);
        }
    }

    @Test
    void theSameTpmReEnrollingOnItsMachineIsNotHeld() throws Exception {
        server.admin().groups().setOverride(alice, org.id(), group.id(), SecuritySetting.REQUIRE_APPROVAL, true);
        server.admin().groups().setOverride(alice, org.id(), group.id(), SecuritySetting.ATTESTED_SKIPS_APPROVAL, true);
        try (TpmAgent a = new TpmAgent(trustedTpm, issue())) {
            assertThat(statusOf(a.enrollAttested("hw-uuid-1"))).isEqualTo(AgentStatus.ACTIVE);
        }
        // A reinstalled agent on the same TPM: a new key, the same EK.
        try (TpmAgent again = new TpmAgent(trustedTpm, issue())) {
            assertThat(statusOf(again.enrollAttested("hw-uuid-1"))).isEqualTo(AgentStatus.ACTIVE);
        }
        assertThat(enrolledEvents()).hasSize(2).noneMatch(e -> e.after().containsKey("tpmReplaced"));
        assertThat(server.admin().agents().listByStatus(org.id(), AgentStatus.PENDING, PageRequest.first(10)).items()).isEmpty();
    }
}
