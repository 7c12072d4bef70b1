package com.heartbeatrm.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.internal.EnrollmentTokenCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TPM attestation on the wire: the challenge request and answer, and the enrollment's attestation member")
class AttestationWireTest {
    private static final Instant AT = Instant.parse("2026-06-01T00:00:00Z");
    private static final AgentFacts FACTS = new AgentFacts("pc-0042", "linux", "6.1", "agent/1", Optional.empty());

    private static EnrollmentToken token() throws Exception {
        KeyPair issuer = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] spki = issuer.getPublic().getEncoded();
        SigningPublicKey pub = SigningPublicKey.of(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        EnrollmentClaims claims = new EnrollmentClaims(EnrollmentClaims.FORMAT_VERSION, "https://heartbeat.example", "org_AAAAAAAAAAAAAAAAAAAAAA",
                "hbk_BBBBBBBBBBBBBBBBBBBBBA", "ins_CCCCCCCCCCCCCCCCCCCCCA", AT, Optional.empty(),
                List.of(URI.create("https://enroll.heartbeat.example/v1/")), List.of(), Optional.empty());
        return EnrollmentToken.of(EnrollmentTokenCodec.encode(claims, pub.keyId(), m -> sign("Ed25519", issuer, m)));
    }

    private static byte[] sign(String algorithm, KeyPair kp, byte[] m) {
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(kp.getPrivate());
            s.update(m);
            return s.sign();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static EnrollmentAttestation attestation() {
        return new EnrollmentAttestation(new byte[] {1, 2, 3}, new byte[32], new byte[] {(byte) 0xff, 'T', 'C', 'G'}, new byte[] {0, 0x18},
                new byte[] {0, 0x23});
    }

    private static EnrollmentRequest attested(EnrollmentToken token, KeyPair kp, EnrollmentAttestation a) {
        Function<byte[], byte[]> signer = m -> sign("SHA256withECDSAinP1363Format", kp, m);
        return EnrollmentRequest.create(token, AgentKeyAlgorithm.ECDSA_P256, AgentKeyAlgorithm.sec1Of(kp.getPublic()), FACTS, Optional.of(a),
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", AT, signer);
    }

    private static String json(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("an attested request round-trips, its proof covers the attestation, and a changed member breaks the proof")
    void attestedRequest() throws Exception {
        EnrollmentToken token = token();
        KeyPair kp = p256();
        EnrollmentRequest r = attested(token, kp, attestation());
        String text = json(r.toJson());
        assertThat(text).contains("\"keyAlgorithm\":\"ecdsa-p256\"")
                .contains("\"attestation\":{\"challengeId\":\"AQID\",\"credential\":\"" + Base64Url.encode(new byte[32])
                        + "\",\"certifyInfo\":\"_1RDRw\",\"signature\":\"ABg\",\"keyPublic\":\"ACM\"}");
        EnrollmentRequest parsed = EnrollmentRequest.parse(r.toJson());
        assertThat(parsed.attestation()).isPresent();
        assertThat(parsed.signedBytes()).isEqualTo(r.signedBytes());
        assertThat(parsed.proofVerifies(Ed25519Verifier.jdk())).isTrue();
        assertThat(parsed.attestation().get().credentialMatches(new byte[32])).isTrue();
        assertThat(parsed.attestation().get().toString()).doesNotContain(Base64Url.encode(new byte[32]));

        EnrollmentRequest tampered = EnrollmentRequest.parse(bytes(text.replace("\"certifyInfo\":\"_1RDRw\"", "\"certifyInfo\":\"_1RDRA\"")));
        assertThat(tampered.proofVerifies(Ed25519Verifier.jdk())).isFalse();
        // The same request without its attestation signs other bytes: the proof does not carry over.
        EnrollmentRequest stripped = EnrollmentRequest.parse(bytes(text.replaceAll(",\"attestation\":\\{[^}]*\\}", "")));
        assertThat(stripped.attestation()).isEmpty();
        assertThat(stripped.proofVerifies(Ed25519Verifier.jdk())).isFalse();
        // Five more PAE pieces, in the documented order, after the algorithm's name.
        assertThat(json(r.signedBytes())).contains("ecdsa-p256").endsWith("ACM");
    }

    @Test
    @DisplayName("an attestation needs a P-256 key; its members are strict and bounded")
    void attestationMemberRules() throws Exception {
        EnrollmentToken token = token();
        String text = json(attested(token, p256(), attestation()).toJson());
        assertThatThrownBy(() -> EnrollmentRequest.parse(bytes(text.replace("\"keyAlgorithm\":\"ecdsa-p256\",", "")))).isInstanceOf(RequestException.class);
        assertProblem(text.replace("\"keyPublic\":\"ACM\"", "\"keyPublic\":\"ACM\",\"extra\":\"x\""), RequestException.Problem.UNKNOWN_FIELD,
                "attestation.extra");
        assertProblem(text.replace(",\"keyPublic\":\"ACM\"", ""), RequestException.Problem.MISSING_FIELD, "attestation.keyPublic");
        assertProblem(text.replace("\"credential\":\"" + Base64Url.encode(new byte[32]) + "\"", "\"credential\":\""
                + Base64Url.encode(new byte[65]) + "\""), RequestException.Problem.INVALID_VALUE, "attestation.credential");
        assertProblem(text.replace("\"signature\":\"ABg\"", "\"signature\":\"AB==\""), RequestException.Problem.INVALID_VALUE,
                "attestation.signature");
        assertThatThrownBy(() -> EnrollmentRequest.create(token, AgentKeyAlgorithm.ED25519, new byte[32], FACTS, Optional.of(attestation()),
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", AT, m -> new byte[64])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EnrollmentAttestation(new byte[0], new byte[1], new byte[1], new byte[1], new byte[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertProblem(String body, RequestException.Problem problem, String field) {
        assertThatThrownBy(() -> EnrollmentRequest.parse(bytes(body))).isInstanceOfSatisfying(RequestException.class, e -> {
            assertThat(e.problem()).isEqualTo(problem);
            assertThat(e.field()).contains(field);
        });
    }

    @Test
    @DisplayName("the challenge request: optional EK certificate, strict members, at most 16 KiB")
    void challengeRequest() throws Exception {
        EnrollmentToken token = token();
        AttestationChallengeRequest with = new AttestationChallengeRequest(token,
                new AttestationEvidence(Optional.of(new byte[] {0x30, 0}), new byte[] {1}, new byte[] {2}));
        AttestationChallengeRequest parsed = AttestationChallengeRequest.parse(with.toJson());
        assertThat(parsed.evidence().endorsementCertificate()).contains(new byte[] {0x30, 0});
        assertThat(parsed.evidence().attestationKeyPublic()).containsExactly(2);
        assertThat(parsed.token().reveal()).isEqualTo(token.reveal());
        assertThat(parsed.toString()).doesNotContain(token.reveal());

        AttestationChallengeRequest without = new AttestationChallengeRequest(token, new AttestationEvidence(Optional.empty(), new byte[] {1},
                new byte[] {2}));
        assertThat(json(without.toJson())).doesNotContain("ekCertificate");
        assertThat(AttestationChallengeRequest.parse(without.toJson()).evidence().endorsementCertificate()).isEmpty();

        String text = json(without.toJson());
        assertThatThrownBy(() -> AttestationChallengeRequest.parse(bytes(text.replace("\"v\":1", "\"v\":1,\"x\":1"))))
                .isInstanceOfSatisfying(RequestException.class, e -> assertThat(e.problem()).isEqualTo(RequestException.Problem.UNKNOWN_FIELD));
        assertThatThrownBy(() -> AttestationChallengeRequest.parse(bytes(text.replace("\"akPublic\":\"Ag\"",
                "\"akPublic\":\"" + Base64Url.encode(new byte[1025]) + "\""))))
                .isInstanceOfSatisfying(RequestException.class, e -> assertThat(e.field()).contains("akPublic"));
        byte[] big = bytes(text.replace("\"akPublic\":\"Ag\"", "\"akPublic\":\"Ag\",\"pad\":\"" + "A".repeat(16 * 1024) + "\""));
        assertThatThrownBy(() -> AttestationChallengeRequest.parse(big))
                .isInstanceOfSatisfying(RequestException.class, e -> assertThat(e.problem()).isEqualTo(RequestException.Problem.OVERSIZED));
    }

    @Test
    @DisplayName("the challenge answer round-trips; a nonce of another length or an unknown member is malformed")
    void challengeAnswer() throws Exception {
        AttestationChallenge c = new AttestationChallenge(new byte[] {9}, new byte[] {1}, new byte[] {2}, new byte[32], AT);
        AttestationChallenge parsed = AttestationChallenge.parse(c.toJson());
        assertThat(parsed.expiresAt()).isEqualTo(AT);
        assertThat(parsed.challengeId()).containsExactly(9);
        assertThat(json(c.toJson())).isEqualTo("{\"v\":1,\"challengeId\":\"CQ\",\"credentialBlob\":\"AQ\",\"encryptedSecret\":\"Ag\","
                + "\"nonce\":\"" + Base64Url.encode(new byte[32]) + "\",\"expiresAt\":\"2026-06-01T00:00:00Z\"}");
        String text = json(c.toJson());
        assertThatThrownBy(() -> AttestationChallenge.parse(bytes(text.replace(Base64Url.encode(new byte[32]), Base64Url.encode(new byte[31])))))
                .isInstanceOf(EnrollmentResponse.MalformedException.class);
        assertThatThrownBy(() -> AttestationChallenge.parse(bytes(text.replace("\"v\":1", "\"v\":1,\"x\":1"))))
                .isInstanceOf(EnrollmentResponse.MalformedException.class);
        assertThatThrownBy(() -> AttestationChallenge.parse(bytes(text.replace("2026-06-01T00:00:00Z", "tomorrow"))))
                .isInstanceOf(EnrollmentResponse.MalformedException.class);
    }

    @Test
    @DisplayName("the attestation denial codes: wire names, 403, not retryable; the challenge URL")
    void denialCodes() {
        for (DenialCode c : List.of(DenialCode.ATTESTATION_REQUIRED, DenialCode.ATTESTATION_UNTRUSTED, DenialCode.ATTESTATION_INVALID,
                DenialCode.ATTESTATION_STALE)) {
            assertThat(DenialCode.fromWire(c.wireName())).isEqualTo(c);
            assertThat(c.httpStatus()).isEqualTo(403);
            assertThat(c.isRetryable()).isFalse();
        }
        assertThat(DenialCode.ATTESTATION_UNTRUSTED.wireName()).isEqualTo("attestation_untrusted");
        assertThat(EnrollmentProtocol.challengeUri(URI.create("https://rmm.example/v1/")))
                .isEqualTo(URI.create("https://rmm.example/v1/attestation/challenge"));
    }
}
