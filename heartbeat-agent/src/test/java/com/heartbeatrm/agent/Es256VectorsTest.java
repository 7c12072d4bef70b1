package com.heartbeatrm.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.heartbeatrm.protocol.Ed25519Verifier;
import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.KeyEndorsement;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.protocol.TokenException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code docs/testdata/es256.json}, made by Python's {@code cryptography} (not by the SDK): issuer keys on a PKCS#11
 * token (ECDSA P-256), tokens they signed, and endorsements from Ed25519 to P-256 and back, through the agent's own
 * verifiers on the JDK.
 */
@DisplayName("ES256 issuer-key vectors")
class Es256VectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode file() throws Exception {
        return JSON.readTree(ProtocolVectors.DIR.resolve("es256.json").toFile());
    }

    static Stream<JsonNode> tokens() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        file().get("tokens").forEach(out::add);
        return out.stream();
    }

    static Stream<JsonNode> endorsements() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        file().get("endorsements").forEach(out::add);
        return out.stream();
    }

    private static byte[] b64(JsonNode n) {
        return Base64.getUrlDecoder().decode(n.asText());
    }

    @Test
    @DisplayName("the P-256 key: its JWK, PEM and raw point name one key, with the kid of its point")
    void key() throws Exception {
        JsonNode k = file().get("key");
        SigningPublicKey fromPem = SigningPublicKey.fromPem(k.get("pem").asText());
        PinnedKeySet pinned = PinnedKeySet.parseJson(file().get("pinnedKeySet").toString());
        SigningPublicKey fromJwk = pinned.find(k.get("kid").asText()).orElseThrow();
        assertThat(fromPem).isEqualTo(fromJwk).isEqualTo(SigningPublicKey.fromRaw(b64(k.get("point"))));
        assertThat(fromPem.algorithm()).isEqualTo(SigningPublicKey.Algorithm.ES256);
        assertThat(fromPem.keyId()).isEqualTo(k.get("kid").asText());
        assertThat(SigningPublicKey.fromPem(fromPem.toPem())).isEqualTo(fromPem);
        assertThat(JSON.readTree(pinned.toJson())).isEqualTo(file().get("pinnedKeySet"));
    }

    @Test
    @DisplayName("a pinned key set refuses P-256 keys off the curve, other curves and an alg that does not fit")
    void pinnedKeySetRefusals() throws Exception {
        JsonNode jwk = file().get("key").get("jwk");
        String x = jwk.get("x").asText();
        String y = jwk.get("y").asText();
        String offCurve = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        for (String json : List.of(
                "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}]}",
                "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + x + "\",\"y\":\"" + offCurve + "\"}]}",
                "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + x + "\"}]}",
                "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"alg\":\"EdDSA\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}]}",
                "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}]}",
                "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"hbs_i0nowHgyU1pu0pnqUDXrJg\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}]}")) {
            assertThatThrownBy(() -> PinnedKeySet.parseJson(json)).as(json).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokens")
    void token(JsonNode v) throws Exception {
        JsonNode root = file();
        EnrollmentTokenVerifier verifier = EnrollmentTokenVerifier.builder(PinnedKeySet.parseJson(root.get("pinnedKeySet").toString()))
                .clock(Clock.fixed(Instant.parse(root.get("now").asText()), ZoneOffset.UTC))
                .allowedClockSkew(Duration.ofSeconds(root.get("allowedClockSkewSeconds").asLong())).build();
        if (v.get("valid").asBoolean()) {
            EnrollmentClaims c = verifier.verify(v.get("token").asText()).claims();
            assertThat(c.installerId()).isEqualTo(v.get("claims").get("jti").asText());
            assertThat(c.issuer()).isEqualTo(v.get("claims").get("iss").asText());
        } else {
            List<String> reasons = new ArrayList<>();
            v.get("reasons").forEach(r -> reasons.add(r.asText()));
            assertThatThrownBy(() -> verifier.verify(v.get("token").asText())).isInstanceOfSatisfying(TokenException.class,
                    e -> assertThat(reasons).contains(e.reason().name()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endorsements")
    void endorsement(JsonNode v) throws Exception {
        JsonNode e = v.get("entry");
        SigningPublicKey endorsed = e.has("crv") ? SigningPublicKey.p256(b64(e.get("x")), b64(e.get("y"))) : SigningPublicKey.of(b64(e.get("x")));
        assertThat(endorsed.keyId()).isEqualTo(e.get("kid").asText());
        assertThat(HexFormat.of().formatHex(KeyEndorsement.signedBytes(endorsed))).isEqualTo(v.get("signedBytesHex").asText());
        List<SigningPublicKey> all = new ArrayList<>(PinnedKeySet.parseJson(file().get("pinnedKeySet").toString()).keys());
        for (JsonNode k : JSON.readTree(ProtocolVectors.DIR.resolve("keys.json").toFile()).get("keys")) {
            all.add(SigningPublicKey.of(b64(k.get("x"))));
        }
        SigningPublicKey endorser = all.stream().filter(k -> k.keyId().equals(e.get("endorsedBy").asText())).findFirst().orElseThrow();
        KeyEndorsement endorsement = KeyEndorsement.of(endorsed, e.get("endorsedBy").asText(), b64(e.get("sig")));
        assertThat(endorsement.verifiedBy(endorser, Ed25519Verifier.jdk())).isEqualTo(v.get("valid").asBoolean());
    }
}
