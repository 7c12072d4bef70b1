package com.heartbeatrm.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** docs/testdata/tpm/attested-enrollment.json, made by tpm2-tools (make-attested-enrollment.sh), read by the SDK's parsers. */
@DisplayName("the tpm2-tools attested enrollment vector parses, and its proof verifies over the attestation member")
class AttestedEnrollmentVectorTest {
    private static final Path FILE = Path.of("..", "docs", "testdata", "tpm", "attested-enrollment.json");

    @Test
    void vector() throws Exception {
        Map<String, Object> v = StrictJson.parseObject(Files.readAllBytes(FILE), 64 * 1024);
        byte[] body = StrictJson.requireString(v, "enrollRequest").getBytes(StandardCharsets.UTF_8);
        EnrollmentRequest r = EnrollmentRequest.parse(body);
        assertThat(r.keyAlgorithm()).isEqualTo(AgentKeyAlgorithm.ECDSA_P256);
        assertThat(r.proofVerifies(Ed25519Verifier.jdk())).isTrue();
        // Our writer gives the same bytes as the vector: member order and encodings are the spec's.
        assertThat(new String(r.toJson(), StandardCharsets.UTF_8)).isEqualTo(new String(body, StandardCharsets.UTF_8));
        EnrollmentAttestation a = r.attestation().orElseThrow();
        assertThat(a.credentialMatches(Base64Url.decode(StrictJson.requireString(v, "credentialSecret"), "secret"))).isTrue();

        AttestationChallengeRequest cr = AttestationChallengeRequest.parse(StrictJson.requireString(v, "challengeRequest")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(cr.token().reveal()).isEqualTo(r.token().reveal());
        assertThat(cr.evidence().endorsementCertificate()).isEmpty();
        AttestationChallenge c = AttestationChallenge.parse(StrictJson.requireString(v, "challenge").getBytes(StandardCharsets.UTF_8));
        assertThat(c.challengeId()).isEqualTo(a.challengeId());
        assertThat(c.nonce()).hasSize(AttestationChallenge.NONCE_BYTES);

        // A changed attestation member breaks the proof: the proof covers it.
        String tampered = new String(body, StandardCharsets.UTF_8).replace("\"challengeId\":\"", "\"challengeId\":\"AA");
        assertThat(EnrollmentRequest.parse(tampered.getBytes(StandardCharsets.UTF_8)).proofVerifies(Ed25519Verifier.jdk())).isFalse();
    }
}
