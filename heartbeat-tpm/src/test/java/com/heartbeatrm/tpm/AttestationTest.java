package com.heartbeatrm.tpm;

import com.heartbeatrm.protocol.AttestationEvidence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.tpm.internal.Templates;
import com.heartbeatrm.tpm.internal.Tpm2;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole attestation, agent side on real swtpm instances manufactured by swtpm_setup with EK certificates from
 * CAs made here, server side by {@link AttestationVerifier}: each refusal case names its reason.
 */
class AttestationTest extends TpmLabFixture {
    MutableClock clock;

    @BeforeAll
    void manufacture() throws Exception {
        // After manufacturing: the EK certificates are valid from the second they were issued.
        clock = new MutableClock(Instant.now().plusSeconds(2));
    }

    AttestationVerifier verifier() {
        return AttestationVerifier.builder().trustManufacturerCa(lab.trustedCa().certificate).clock(clock)
                .maxAge(Duration.ofMinutes(2)).build();
    }

    /** A new agent key of the TPM, the challenge {@link #verifier()} issued for it, and the TPM's honest answer. */
    private record Answered(TpmKeyBlob agentKey, AttestationVerifier verifier, PendingAttestation pending, AttestationResponse response) {
    }

    private Answered answered(Tpm tpm) throws Exception {
        TpmKeyBlob agentKey = tpm.createSigningKey();
        TpmAttestor attestor = new TpmAttestor(tpm);
        AttestationVerifier verifier = verifier();
        PendingAttestation pending = verifier.challenge(attestor.request());
        return new Answered(agentKey, verifier, pending, attestor.respond(pending.challenge(), agentKey));
    }

    /** The verifier challenges the request, the TPM answers for {@code agentKey}: what the verifier decides on the answer. */
    private static AttestationVerdict challengedAndAnswered(AttestationVerifier verifier, TpmAttestor attestor, AttestationEvidence request,
            TpmKeyBlob agentKey) throws Exception {
        PendingAttestation pending = verifier.challenge(request);
        return verifier.verify(pending, attestor.respond(pending.challenge(), agentKey));
    }

    @Test
    void ekCertificateFromTheTrustedCaIsAttested() throws Exception {
        try (Tpm tpm = lab.trustedTpm().open()) {
            TpmKeyBlob agentKey = tpm.createSigningKey();
            TpmAttestor attestor = new TpmAttestor(tpm);
            AttestationEvidence request = attestor.request();
            assertThat(request.endorsementCertificate()).isPresent();
            X509Certificate ekCert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(request.endorsementCertificate().get()));
            assertThat(ekCert.getIssuerX500Principal()).isEqualTo(lab.trustedCa().certificate.getSubjectX500Principal());

            AttestationVerifier verifier = verifier();
            PendingAttestation pending = verifier.challenge(request);
            clock.advance(Duration.ofSeconds(30));
            AttestationResponse response = attestor.respond(pending.challenge(), agentKey);
            AttestationVerdict verdict = verifier.verify(pending, response);

            assertThat(verdict).isInstanceOfSatisfying(AttestationVerdict.Attested.class, a -> {
                assertThat(a.agentKey()).isEqualTo(agentKey.publicKey());
                assertThat(a.endorsementKeySha256()).isEqualTo(AttestationVerifier.endorsementKeySha256(ekCert.getPublicKey()));
                assertThat(a.trustedBy()).isEqualTo(sha256(lab.trustedCa().certificate));
            });
            assertThat(pending.toString()).doesNotContain(java.util.HexFormat.of().formatHex(response.activatedCredential()));
            assertThat(response.toString()).doesNotContain(java.util.HexFormat.of().formatHex(response.activatedCredential()));
        }
    }

    private static String sha256(X509Certificate ca) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** A server that sealed the challenge's fields and rebuilt it from them judges the answer as the original would. */
    @Test
    void aChallengeRebuiltFromItsSealedFieldsJudgesTheSameAnswer() throws Exception {
        try (Tpm tpm = lab.trustedTpm().open()) {
            Answered answered = answered(tpm);
            TpmKeyBlob agentKey = answered.agentKey();
            AttestationVerifier verifier = answered.verifier();
            PendingAttestation issued = answered.pending();
            AttestationResponse response = answered.response();
            PendingAttestation resumed = PendingAttestation.resumed(issued.attestationKeyPublic(), issued.nonce(), issued.expectedCredential(),
                    issued.issuedAt(), issued.endorsementKeySha256(), issued.trustedBy());
            assertThatThrownBy(resumed::challenge).isInstanceOf(IllegalStateException.class);
            assertThat(verifier.verify(resumed, response)).isInstanceOfSatisfying(AttestationVerdict.Attested.class, a -> {
                assertThat(a.agentKey()).isEqualTo(agentKey.publicKey());
                assertThat(a.trustedBy()).isEqualTo(issued.trustedBy());
            });
            byte[] wrongSecret = issued.expectedCredential();
            wrongSecret[0] ^= 1;
            PendingAttestation tampered = PendingAttestation.resumed(issued.attestationKeyPublic(), issued.nonce(), wrongSecret,
                    issued.issuedAt(), issued.endorsementKeySha256(), issued.trustedBy());
            assertThat(verifier.verify(tampered, response)).isInstanceOfSatisfying(AttestationVerdict.Refused.class,
                    r -> assertThat(r.reason()).isEqualTo(AttestationRefusal.INVALID));
            assertThatThrownBy(() -> PendingAttestation.resumed(new byte[] {1, 2}, issued.nonce(), issued.expectedCredential(),
                    issued.issuedAt(), issued.endorsementKeySha256(), issued.trustedBy())).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void ekCertificateIssuedThroughAnIntermediateChainsToTheTrustedRoot() throws Exception {
        TestCa intermediate = lab.trustedCa().intermediate(dir.resolve("ca-intermediate"), "TPM Manufacturing Intermediate CA");
        try (Swtpm viaIntermediate = Swtpm.manufactured(dir.resolve("tpm-intermediate"), intermediate);
                Tpm tpm = viaIntermediate.open()) {
            TpmKeyBlob agentKey = tpm.createSigningKey();
            TpmAttestor attestor = new TpmAttestor(tpm);
            AttestationEvidence request = attestor.request();
            // Certificates made seconds ago: a clock of its own, after them.
            MutableClock after = new MutableClock(Instant.now().plusSeconds(5));
            AttestationVerifier rootOnly = AttestationVerifier.builder().trustManufacturerCa(lab.trustedCa().certificate).clock(after).build();
            assertThatThrownBy(() -> rootOnly.challenge(request))
                    .isInstanceOfSatisfying(AttestationRefusedException.class, e -> {
                        assertThat(e.refusal().reason()).isEqualTo(AttestationRefusal.UNTRUSTED);
                        assertThat(e.refusal().detail()).contains("no valid path");
                    });

            // A rolled-over intermediate of the same name but another key comes first: path building finds the right one.
            TestCa rolledOver = lab.trustedCa().intermediate(dir.resolve("ca-rolled-over"), "TPM Manufacturing Intermediate CA");
            AttestationVerifier withIntermediate = AttestationVerifier.builder().trustManufacturerCa(lab.trustedCa().certificate)
                    .manufacturerIntermediateCa(rolledOver.certificate).manufacturerIntermediateCa(intermediate.certificate)
                    .clock(after).build();
            assertThat(challengedAndAnswered(withIntermediate, attestor, request, agentKey)).isInstanceOfSatisfying(AttestationVerdict.Attested.class,
                    a -> assertThat(a.trustedBy()).isEqualTo(sha256(lab.trustedCa().certificate)));
        }
    }

    @Test
    void ekCertificateFromACaTheOrganizationDoesNotTrustIsRefused() throws Exception {
        try (Swtpm other = Swtpm.manufactured(dir.resolve("tpm-other"), lab.otherCa()); Tpm tpm = other.open()) {
            AttestationEvidence request = new TpmAttestor(tpm).request();
            assertThat(request.endorsementCertificate()).isPresent();
            assertThatThrownBy(() -> verifier().challenge(request))
                    .isInstanceOfSatisfying(AttestationRefusedException.class, e -> {
                        assertThat(e.refusal().reason()).isEqualTo(AttestationRefusal.UNTRUSTED);
                        assertThat(e.refusal().reason().code()).isEqualTo("attestation_untrusted");
                        assertThat(e.refusal().detail()).contains("does not chain to a trusted manufacturer CA");
                    });
        }
    }

    @Test
    void tpmWithoutEkCertificateIsRefusedUnlessItsEkIsAllowListed() throws Exception {
        try (Swtpm bare = Swtpm.manufactured(dir.resolve("tpm-bare"), null); Tpm tpm = bare.open()) {
            TpmKeyBlob agentKey = tpm.createSigningKey();
            TpmAttestor attestor = new TpmAttestor(tpm);
            AttestationEvidence request = attestor.request();
            assertThat(request.endorsementCertificate()).isEmpty();
            assertThatThrownBy(() -> verifier().challenge(request))
                    .isInstanceOfSatisfying(AttestationRefusedException.class, e -> {
                        assertThat(e.refusal().reason()).isEqualTo(AttestationRefusal.UNTRUSTED);
                        assertThat(e.refusal().detail()).startsWith("no endorsement certificate, and the EK is not allow-listed (EK SHA-256 ")
                                .matches(".*\\(EK SHA-256 [0-9a-f]{64}\\)");
                    });

            java.security.PublicKey ek = com.heartbeatrm.tpm.internal.PublicArea.parse(request.endorsementKeyPublic()).toPublicKey();
            AttestationVerifier allowing = AttestationVerifier.builder().trustManufacturerCa(lab.trustedCa().certificate)
                    .allowEndorsementKeySha256(AttestationVerifier.endorsementKeySha256(ek)).clock(clock).build();
            assertThat(challengedAndAnswered(allowing, attestor, request, agentKey)).isInstanceOfSatisfying(AttestationVerdict.Attested.class,
                    a -> assertThat(a.trustedBy()).isEqualTo("allow-list"));
            // A store's allow-list, asked per EK: asked with the EK's hash, it admits the same TPM.
            java.util.List<String> asked = new java.util.ArrayList<>();
            String ekHash = AttestationVerifier.endorsementKeySha256(ek);
            AttestationVerifier byPredicate = AttestationVerifier.builder().endorsementKeyAllowList(h -> asked.add(h) && h.equals(ekHash))
                    .clock(clock).build();
            assertThat(challengedAndAnswered(byPredicate, attestor, request, agentKey)).isInstanceOfSatisfying(AttestationVerdict.Attested.class,
                    a -> assertThat(a.trustedBy()).isEqualTo("allow-list"));
            assertThat(asked).containsExactly(ekHash);
        }
    }

    @Test
    void eccEndorsementKeyIsAttestedWhenAllowListedAndRefusedOtherwise() throws Exception {
        try (Tpm tpm = lab.trustedTpm().open()) {
            TpmKeyBlob agentKey = tpm.createSigningKey();
            TpmAttestor attestor = new TpmAttestor(tpm, EndorsementKeyType.ECC_P256);
            AttestationEvidence request = attestor.request();
            // swtpm 0.7 provisions no P-256 EK certificate (its ECC EK certificate is for P-384, at 0x01C00016).
            assertThat(request.endorsementCertificate()).isEmpty();
            assertThatThrownBy(() -> verifier().challenge(request))
                    .isInstanceOfSatisfying(AttestationRefusedException.class,
                            e -> assertThat(e.refusal().reason()).isEqualTo(AttestationRefusal.UNTRUSTED));

            java.security.PublicKey ek = com.heartbeatrm.tpm.internal.PublicArea.parse(request.endorsementKeyPublic()).toPublicKey();
            assertThat(ek.getAlgorithm()).isEqualTo("EC");
            AttestationVerifier allowing = AttestationVerifier.builder().allowEndorsementKey(ek).clock(clock).build();
            PendingAttestation pending = allowing.challenge(request);
            assertThat(pending.challenge().encryptedSecret()).hasSize(2 + 32 + 2 + 32);
            AttestationVerdict verdict = allowing.verify(pending, attestor.respond(pending.challenge(), agentKey));
            assertThat(verdict).isInstanceOfSatisfying(AttestationVerdict.Attested.class, a -> {
                assertThat(a.trustedBy()).isEqualTo("allow-list");
                assertThat(a.endorsementKeySha256()).isEqualTo(AttestationVerifier.endorsementKeySha256(ek));
            });
        }
    }

    @Test
    void replayedAndStaleChallengesAreRefused() throws Exception {
        try (Tpm tpm = lab.trustedTpm().open()) {
            TpmKeyBlob agentKey = tpm.createSigningKey();
            TpmAttestor attestor = new TpmAttestor(tpm);
            AttestationEvidence request = attestor.request();
            AttestationVerifier verifier = verifier();

            PendingAttestation first = verifier.challenge(request);
            AttestationResponse answer = attestor.respond(first.challenge(), agentKey);
            assertThat(verifier.verify(first, answer)).isInstanceOf(AttestationVerdict.Attested.class);
            assertThat(verifier.verify(first, answer)).isEqualTo(
                    new AttestationVerdict.Refused(AttestationRefusal.REPLAYED, "challenge already answered"));

            // The old answer offered against a new challenge: made for another nonce.
            PendingAttestation second = verifier.challenge(request);
            assertThat(verifier.verify(second, answer)).isEqualTo(new AttestationVerdict.Refused(AttestationRefusal.REPLAYED,
                    "certification was made for another challenge's nonce"));

            PendingAttestation third = verifier.challenge(request);
            AttestationResponse late = attestor.respond(third.challenge(), agentKey);
            clock.advance(Duration.ofMinutes(2).plusSeconds(1));
            AttestationVerdict stale = verifier.verify(third, late);
            assertThat(stale).isInstanceOfSatisfying(AttestationVerdict.Refused.class, r -> {
                assertThat(r.reason()).isEqualTo(AttestationRefusal.STALE);
                assertThat(r.reason().code()).isEqualTo("attestation_stale");
            });
        }
    }

    @Test
    void attestationKeyWithoutTheRestrictedAttributeIsRefused() throws Exception {
        try (Tpm tpm = lab.trustedTpm().open()) {
            AttestationEvidence request = new TpmAttestor(tpm, EndorsementKeyType.RSA_2048, Templates.signingKeyEccP256(false)).request();
            assertThatThrownBy(() -> verifier().challenge(request))
                    .isInstanceOfSatisfying(AttestationRefusedException.class, e -> {
                        assertThat(e.refusal().reason()).isEqualTo(AttestationRefusal.INVALID);
                        assertThat(e.refusal().detail()).isEqualTo("attestation key is not a restricted signing key");
                    });
        }
    }

    @Test
    void keyNotCertifiedByTheAttestationKeyIsRefused() throws Exception {
        try (Tpm tpm = lab.trustedTpm().open()) {
            TpmKeyBlob certified = tpm.createSigningKey();
            TpmKeyBlob presented = tpm.createSigningKey();
            TpmAttestor attestor = new TpmAttestor(tpm);
            AttestationEvidence request = attestor.request();
            AttestationVerifier verifier = verifier();
            PendingAttestation pending = verifier.challenge(request);
            AttestationResponse real = attestor.respond(pending.challenge(), certified);
            AttestationResponse swapped = new AttestationResponse(real.activatedCredential(), real.certifyInfo(),
                    real.signature(), presented.publicArea());
            assertThat(verifier.verify(pending, swapped)).isEqualTo(new AttestationVerdict.Refused(AttestationRefusal.INVALID,
                    "the certified key is not the agent key presented"));
        }
    }

    @Test
    void keyThatCanLeaveTheTpmIsRefused() throws Exception {
        try (Tpm tpm = lab.trustedTpm().open()) {
            // fixedTPM and fixedParent clear: a key the TPM would let be duplicated elsewhere.
            TpmKeyBlob movable = tpm.createUnderStorageRoot(Templates.eccSigning(
                    Tpm2.SENSITIVE_DATA_ORIGIN | Tpm2.USER_WITH_AUTH | Tpm2.NO_DA | Tpm2.SIGN));
            TpmAttestor attestor = new TpmAttestor(tpm);
            AttestationVerifier verifier = verifier();
            PendingAttestation pending = verifier.challenge(attestor.request());
            AttestationVerdict verdict = verifier.verify(pending, attestor.respond(pending.challenge(), movable));
            assertThat(verdict).isEqualTo(new AttestationVerdict.Refused(AttestationRefusal.INVALID,
                    "agent key lacks fixedTPM or fixedParent: it could leave the TPM"));
        }
    }

    @Test
    void attestationKeyFromAnotherTpmCannotActivateAndAForgedCredentialIsRefused() throws Exception {
        AttestationEvidence genuine;
        try (Tpm tpm = lab.trustedTpm().open()) {
            genuine = new TpmAttestor(tpm).request();
        }
        try (Swtpm impostor = Swtpm.fresh(dir.resolve("impostor")); Tpm tpm = impostor.open()) {
            TpmKeyBlob agentKey = tpm.createSigningKey();
            TpmAttestor attestor = new TpmAttestor(tpm);
            AttestationEvidence own = attestor.request();
            // The trusted TPM's EK certificate and EK, with the impostor's attestation key.
            AttestationEvidence borrowed = new AttestationEvidence(genuine.endorsementCertificate(),
                    genuine.endorsementKeyPublic(), own.attestationKeyPublic());
            AttestationVerifier verifier = verifier();
            PendingAttestation pending = verifier.challenge(borrowed);
            assertThatThrownBy(() -> attestor.respond(pending.challenge(), agentKey))
                    .isInstanceOfSatisfying(TpmException.class, e -> {
                        assertThat(e.kind()).isEqualTo(TpmException.Kind.TPM_ERROR);
                        assertThat(e.getMessage()).startsWith("TPM2_ActivateCredential failed");
                    });
        }
    }

    @Test
    void credentialNotActivatedByTheTpmIsRefused() throws Exception {
        try (Tpm tpm = lab.trustedTpm().open()) {
            Answered answered = answered(tpm);
            AttestationResponse honest = answered.response();
            byte[] guess = new byte[32];
            new java.security.SecureRandom().nextBytes(guess);
            AttestationResponse guessed = new AttestationResponse(guess, honest.certifyInfo(), honest.signature(),
                    honest.agentKeyPublic());
            assertThat(answered.verifier().verify(answered.pending(), guessed)).isInstanceOfSatisfying(AttestationVerdict.Refused.class, r -> {
                assertThat(r.reason()).isEqualTo(AttestationRefusal.INVALID);
                assertThat(r.detail()).startsWith("activated credential does not match");
            });
        }
    }

    @Test
    void agentKeyBlobCopiedToAnotherTpmCannotBeAttestedThere() throws Exception {
        TpmKeyBlob agentKey;
        try (Tpm tpm = lab.trustedTpm().open()) {
            agentKey = tpm.createSigningKey();
        }
        try (Swtpm other = Swtpm.manufactured(dir.resolve("tpm-copy"), lab.trustedCa()); Tpm tpm = other.open()) {
            TpmAttestor attestor = new TpmAttestor(tpm);
            // Its EK certificate was issued seconds ago: a clock of its own, after it.
            AttestationVerifier verifier = AttestationVerifier.builder().trustManufacturerCa(lab.trustedCa().certificate)
                    .clock(new MutableClock(Instant.now().plusSeconds(5))).build();
            PendingAttestation pending = verifier.challenge(attestor.request());
            TpmKeyBlob copied = TpmKeyBlob.parse(agentKey.encoded());
            assertThatThrownBy(() -> attestor.respond(pending.challenge(), copied))
                    .isInstanceOfSatisfying(TpmException.class, e -> assertThat(e.baseCode()).isEqualTo(TpmException.RC_INTEGRITY));
        }
    }
}
