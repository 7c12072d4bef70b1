package com.heartbeatrm.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.heartbeatrm.protocol.internal.JdkEd25519;
import com.heartbeatrm.protocol.internal.Pae;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire-format vectors in {@code docs/testdata} that only protocol code reads (keys, tokens, requests), through
 * the production code. The files are generated, and the answers and renewal timing read through the client, by
 * heartbeat-agent's {@code ProtocolVectorsTest}; the tag vectors in heartbeat-installer ({@code TagVectorsTest}).
 */
class ProtocolVectorsTest {
    private static final Path DIR = Path.of("..", "docs", "testdata");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode file(String name) throws Exception {
        return JSON.readTree(DIR.resolve(name).toFile());
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

    @Test
    void keys() throws Exception {
        JsonNode keys = file("keys.json");
        for (JsonNode k : keys.get("keys")) {
            byte[] x = Base64.getUrlDecoder().decode(k.get("x").asText());
            assertThat(SigningPublicKey.keyIdOf(x)).isEqualTo(k.get("kid").asText());
            assertThat(AgentSigningKey.fingerprintOf(x)).isEqualTo(k.get("fingerprint").asText());
            assertThat(Base64.getUrlDecoder().decode(k.get("seed").asText())).isEqualTo(sha256(k.get("label").asText()));
        }
        PinnedKeySet pinned = PinnedKeySet.parseJson(keys.get("pinnedKeySet").toString());
        assertThat(pinned.keys()).extracting(SigningPublicKey::keyId).containsExactly(issuerKid(keys));
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

    /** The key id of the vectors' first issuer key, the one the pinned key set holds. */
    private static String issuerKid(JsonNode keys) {
        for (JsonNode k : keys.get("keys")) {
            if (k.get("label").asText().equals("heartbeat test vector issuer 1")) {
                return k.get("kid").asText();
            }
        }
        throw new AssertionError("keys.json has no issuer 1");
    }

    private static byte[] sha256(String label) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void token(JsonNode v) throws Exception {
        JsonNode root = file("tokens.json");
        PinnedKeySet pinned = PinnedKeySet.parseJson(file("keys.json").get("pinnedKeySet").toString());
        EnrollmentTokenVerifier verifier = EnrollmentTokenVerifier.builder(pinned)
                .clock(Clock.fixed(Instant.parse(root.get("now").asText()), ZoneOffset.UTC))
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
                if (v.has("instant")) {
                    assertThat(r.timestamp()).isEqualTo(Instant.parse(v.get("instant").asText()));
                }
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

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
