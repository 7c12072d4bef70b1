package com.heartbeatrm.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.heartbeatrm.agent.internal.JdkEd25519;
import com.heartbeatrm.agent.internal.Pae;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vector in {@code docs/testdata} (keys, tokens, requests, responses) through the production code, and the
 * files themselves regenerated and compared byte for byte. The tag vectors are read in heartbeat-installer
 * ({@code TagVectorsTest}); the independent Python checker ({@code docs/testdata/check.py}) reads them all in CI.
 */
class ProtocolVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void filesAreCurrent() throws Exception {
        if (Boolean.getBoolean("heartbeat.vectors.write")) {
            ProtocolVectors.writeAll();
        }
        for (Map.Entry<String, byte[]> f : ProtocolVectors.files().entrySet()) {
            assertThat(new String(Files.readAllBytes(ProtocolVectors.DIR.resolve(f.getKey())), StandardCharsets.UTF_8))
                    .as(f.getKey() + " is out of date: regenerate with -Dheartbeat.vectors.write=true")
                    .isEqualTo(new String(f.getValue(), StandardCharsets.UTF_8));
        }
    }

    private static JsonNode file(String name) throws Exception {
        return JSON.readTree(ProtocolVectors.DIR.resolve(name).toFile());
    }

    private static Stream<JsonNode> vectors(String name) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        file(name).get("vectors").forEach(out::add);
        return out.stream();
    }

    static Stream<JsonNode> tokens() throws Exception {
        return vectors("tokens.json");
    }

    static Stream<JsonNode> requests() throws Exception {
        return vectors("requests.json");
    }

    static Stream<JsonNode> responses() throws Exception {
        return vectors("responses.json");
    }

    @Test
    void keys() throws Exception {
        JsonNode keys = file("keys.json");
        for (JsonNode k : keys.get("keys")) {
            byte[] x = Base64.getUrlDecoder().decode(k.get("x").asText());
            assertThat(SigningPublicKey.keyIdOf(x)).isEqualTo(k.get("kid").asText());
            assertThat(AgentKeyPair.fingerprintOf(x)).isEqualTo(k.get("fingerprint").asText());
            assertThat(Base64.getUrlDecoder().decode(k.get("seed").asText())).isEqualTo(ProtocolVectors.sha256(k.get("label").asText()));
        }
        PinnedKeySet pinned = PinnedKeySet.parseJson(keys.get("pinnedKeySet").toString());
        assertThat(pinned.keys()).extracting(SigningPublicKey::keyId).containsExactly(ProtocolVectors.ISSUER.kid());
        HexFormat hex = HexFormat.of();
        List<byte[]> pieces = new ArrayList<>();
        keys.get("pae").get("piecesHex").forEach(p -> pieces.add(hex.parseHex(p.asText())));
        assertThat(hex.formatHex(Pae.encode(pieces.toArray(byte[][]::new)))).isEqualTo(keys.get("pae").get("encodedHex").asText());
        JsonNode pin = keys.get("tlsPin");
        assertThat(TlsPin.ofSpki(hex.parseHex(pin.get("spkiHex").asText()))).isEqualTo(pin.get("pin").asText());
        JsonNode e = keys.get("endorsement");
        SigningPublicKey endorsed = SigningPublicKey.of(Base64.getUrlDecoder().decode(e.get("x").asText()));
        assertThat(hex.formatHex(KeyEndorsement.signedBytes(endorsed))).isEqualTo(e.get("signedBytesHex").asText());
        KeyEndorsement endorsement = KeyEndorsement.of(endorsed, e.get("endorsedBy").asText(), Base64.getUrlDecoder().decode(e.get("sig").asText()));
        assertThat(endorsement.verifiedBy(pinned.find(e.get("endorsedBy").asText()).orElseThrow(), new JdkEd25519())).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void token(JsonNode v) throws Exception {
        JsonNode root = file("tokens.json");
        PinnedKeySet pinned = PinnedKeySet.parseJson(file("keys.json").get("pinnedKeySet").toString());
        EnrollmentTokenVerifier verifier = EnrollmentTokenVerifier.builder(pinned)
                .clock(Clock.fixed(java.time.Instant.parse(root.get("now").asText()), ZoneOffset.UTC))
                .allowedClockSkew(Duration.ofSeconds(root.get("allowedClockSkewSeconds").asLong()))
                .build();
        if (v.get("valid").asBoolean()) {
            EnrollmentClaims c = verifier.verify(v.get("token").asText()).claims();
            JsonNode want = v.get("claims");
            assertThat(c.formatVersion()).isEqualTo(want.get("ver").asInt());
            assertThat(c.issuer()).isEqualTo(want.get("iss").asText());
            assertThat(c.organizationId()).isEqualTo(want.get("org").asText());
            assertThat(c.accessKeyId()).isEqualTo(want.get("key").asText());
            assertThat(c.installerId()).isEqualTo(want.get("jti").asText());
            assertThat(c.issuedAt()).hasToString(want.get("iat").asText());
            assertThat(c.expiresAt().map(Object::toString).orElse(null)).isEqualTo(want.has("exp") ? want.get("exp").asText() : null);
            assertThat(c.endpoints()).extracting(Object::toString).containsExactlyElementsOf(strings(want.get("endpoints")));
            assertThat(c.tlsPins()).containsExactlyElementsOf(strings(want.get("pins")));
            assertThat(c.platform().orElse(null)).isEqualTo(want.has("platform") ? want.get("platform").asText() : null);
        } else {
            List<String> reasons = strings(v.get("reason"));
            assertThatThrownBy(() -> verifier.verify(v.get("token").asText())).isInstanceOfSatisfying(TokenException.class,
                    e -> assertThat(reasons).as(v.get("name").asText()).contains(e.reason().name()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void request(JsonNode v) {
        byte[] body = v.has("bodyHex") ? HexFormat.of().parseHex(v.get("bodyHex").asText())
                : v.get("body").asText().getBytes(StandardCharsets.UTF_8);
        boolean enroll = v.get("kind").asText().equals("enroll");
        String verdict = v.get("verdict").asText();
        try {
            boolean proof;
            if (enroll) {
                EnrollmentRequest r = EnrollmentRequest.parse(body);
                proof = r.proofVerifies(new JdkEd25519());
                if (v.has("proofInputHex")) {
                    assertThat(HexFormat.of().formatHex(r.signedBytes())).isEqualTo(v.get("proofInputHex").asText());
                }
            } else {
                RenewalRequest r = RenewalRequest.parse(body);
                proof = r.proofVerifies(new JdkEd25519());
                if (v.has("proofInputHex")) {
                    assertThat(HexFormat.of().formatHex(r.signedBytes())).isEqualTo(v.get("proofInputHex").asText());
                }
            }
            assertThat(proof ? "proof_verifies" : "bad_proof").as(v.get("name").asText()).isEqualTo(verdict);
        } catch (RequestException e) {
            assertThat(verdict).as(v.get("name").asText() + ": " + e.getMessage()).isEqualTo("invalid_request");
            assertThat(e.problem().name()).isEqualTo(v.get("problem").asText());
            assertThat(e.field().orElse(null)).isEqualTo(v.has("field") ? v.get("field").asText() : null);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void response(JsonNode v) {
        byte[] body = v.get("body").asText().getBytes(StandardCharsets.UTF_8);
        String outcome = v.get("outcome").asText();
        EnrollmentResponse r;
        try {
            r = EnrollmentResponse.parse(v.get("httpStatus").asInt(), body);
        } catch (EnrollmentResponse.MalformedException e) {
            assertThat(outcome).as(v.get("name").asText() + ": " + e.getMessage()).isEqualTo("malformed");
            return;
        }
        if (r instanceof EnrollmentResponse.Denied d) {
            assertThat(outcome).isEqualTo("denied");
            assertThat(d.code().wireName()).isEqualTo(v.get("reason").asText());
        } else {
            String kind = r instanceof EnrollmentResponse.Enrolled ? "enrolled" : r instanceof EnrollmentResponse.Renewed ? "renewed" : "pending";
            assertThat(kind).as(v.get("name").asText()).isEqualTo(outcome);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
