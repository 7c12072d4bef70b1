package com.heartbeatrm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import com.heartbeatrm.protocol.Ed25519Verifier;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.protocol.RequestException;
import com.heartbeatrm.protocol.SignedAgentRequest;
import com.heartbeatrm.protocol.StrictJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code docs/testdata/requests-p256.json}, made with Python's cryptography (not our code), through the production
 * parser and verifier: every verdict, problem and member as the vector says.
 */
@DisplayName("P-256 request vectors (made by Python cryptography)")
class P256RequestVectorsTest {
    @SuppressWarnings("unchecked")
    static Stream<Arguments> vectors() throws Exception {
        Map<String, Object> file = StrictJson.parseObject(Files.readAllBytes(ProtocolVectors.DIR.resolve("requests-p256.json")), 1 << 20);
        return ((List<Object>) file.get("vectors")).stream().map(v -> (Map<String, Object>) v)
                .map(v -> Arguments.of(v.get("name"), v));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void verdict(String name, Map<String, Object> v) {
        byte[] body = ((String) v.get("body")).getBytes(StandardCharsets.UTF_8);
        String got;
        try {
            SignedAgentRequest r = "enroll".equals(v.get("kind")) ? EnrollmentRequest.parse(body) : RenewalRequest.parse(body);
            got = r.proofVerifies(Ed25519Verifier.jdk()) ? "proof_verifies" : "bad_proof";
        } catch (RequestException e) {
            got = "invalid_request " + e.problem() + " " + e.field().orElse("");
        }
        String want = "invalid_request".equals(v.get("verdict")) ? "invalid_request " + v.get("problem") + " " + v.getOrDefault("field", "")
                : (String) v.get("verdict");
        assertThat(got).as(name).isEqualTo(want);
    }

    @Test
    @DisplayName("the vectors' P-256 key is the one the file names, and a request made by the SDK with it verifies in Python's terms")
    void sdkRequestWithTheVectorKey() throws Exception {
        Map<String, Object> file = StrictJson.parseObject(Files.readAllBytes(ProtocolVectors.DIR.resolve("requests-p256.json")), 1 << 20);
        byte[] pub = HexFormat.of().parseHex((String) file.get("publicKeyHex"));
        assertThat(AgentKeyAlgorithm.ECDSA_P256.isValidPublicKey(pub)).isTrue();
        AgentKeyPair sdk = AgentKeyPair.generate(AgentKeyAlgorithm.ECDSA_P256);
        RenewalRequest r = RenewalRequest.create("agt_Mz8pQ2vRt5Ww2Xy6Bn1KmA", "org_4gkSx9Ma2Bv1YrT0Qd7LwA", sdk, java.util.Optional.empty(),
                java.time.Clock.systemUTC());
        RenewalRequest back = RenewalRequest.parse(r.toJson());
        assertThat(back.keyAlgorithm()).isEqualTo(AgentKeyAlgorithm.ECDSA_P256);
        assertThat(back.proofVerifies(Ed25519Verifier.jdk())).isTrue();
        assertThat(new String(r.toJson(), StandardCharsets.UTF_8)).contains("\"keyAlgorithm\":\"ecdsa-p256\"");
    }
}
