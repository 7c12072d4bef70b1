package com.heartbeatrm.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.heartbeatrm.protocol.internal.JdkEd25519;
import com.heartbeatrm.protocol.internal.PasetoV4Public;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The public PASETO v4 test vectors (src/test/resources/paseto, see SOURCE.txt there). */
class PasetoVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    static List<JsonNode> vectors() throws Exception {
        try (InputStream in = PasetoVectorsTest.class.getResourceAsStream("/paseto/v4.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<JsonNode> out = new ArrayList<>();
            root.get("tests").forEach(out::add);
            return out;
        }
    }

    static Stream<JsonNode> publicVectors() throws Exception {
        return vectors().stream().filter(v -> !v.get("expect-fail").asBoolean() && v.get("token").asText().startsWith("v4.public."));
    }

    static Stream<JsonNode> failVectors() throws Exception {
        return vectors().stream().filter(v -> v.get("expect-fail").asBoolean());
    }

    static Stream<JsonNode> localVectors() throws Exception {
        return vectors().stream().filter(v -> !v.get("expect-fail").asBoolean() && v.get("token").asText().startsWith("v4.local."));
    }

    @Test
    @DisplayName("the vector file holds the expected cases")
    void vectorFileIsComplete() throws Exception {
        assertThat(publicVectors()).hasSize(3);
        assertThat(failVectors()).hasSize(5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publicVectors")
    @DisplayName("v4.public vectors verify and sign to exactly the published token")
    void publicVector(JsonNode v) throws Exception {
        String token = v.get("token").asText();
        byte[] publicKey = HEX.parseHex(v.get("public-key").asText());
        byte[] footer = v.get("footer").asText().getBytes(StandardCharsets.UTF_8);
        byte[] implicit = v.get("implicit-assertion").asText().getBytes(StandardCharsets.UTF_8);

        PasetoV4Public.Parsed parsed = PasetoV4Public.parse(token, 16 * 1024);
        assertThat(parsed.footer()).isEqualTo(footer);
        byte[] message = parsed.verify(implicit, publicKey, new JdkEd25519());
        assertThat(new String(message, StandardCharsets.UTF_8)).isEqualTo(v.get("payload").asText());

        PrivateKey sk = fromSeed(HEX.parseHex(v.get("secret-key-seed").asText()));
        String signed = PasetoV4Public.sign(v.get("payload").asText().getBytes(StandardCharsets.UTF_8), footer, implicit,
                m -> sign(sk, m));
        assertThat(signed).isEqualTo(token);
        // The PEM forms in the vector describe the same key.
        assertThat(SigningPublicKey.fromPem(v.get("public-key-pem").asText()).rawKey()).isEqualTo(publicKey);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failVectors")
    @DisplayName("expect-fail vectors are refused with a typed reason")
    void failVector(JsonNode v) {
        String token = v.get("token").asText();
        String keyHex = v.has("public-key") ? v.get("public-key").asText() : v.get("key").asText();
        byte[] key = HEX.parseHex(keyHex);
        byte[] footer = v.get("footer").asText().getBytes(StandardCharsets.UTF_8);
        byte[] implicit = v.get("implicit-assertion").asText().getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PasetoV4Public.parse(token, 16 * 1024).verify(implicit, key, new JdkEd25519()))
                .isInstanceOf(TokenException.class);
        // And through the enrollment-token verifier, with the vector's key pinned.
        PinnedKeySet pinned = PinnedKeySet.of(SigningPublicKey.of(key));
        assertThatThrownBy(() -> EnrollmentTokenVerifier.builder(pinned).build().verify(token)).isInstanceOf(TokenException.class);
        assertThat(footer).isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("localVectors")
    @DisplayName("v4.local tokens are a different purpose: refused without any decryption attempt")
    void localVectorRefused(JsonNode v) {
        assertThatThrownBy(() -> PasetoV4Public.parse(v.get("token").asText(), 16 * 1024))
                .isInstanceOfSatisfying(TokenException.class,
                        e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.WRONG_VERSION_OR_PURPOSE));
    }

    private static final byte[] PKCS8_ED25519_PREFIX = HEX.parseHex("302e020100300506032b657004220420");

    /** The Ed25519 private key of a 32-byte RFC 8032 seed, as the vectors give it. */
    private static PrivateKey fromSeed(byte[] seed) throws GeneralSecurityException {
        byte[] der = Arrays.copyOf(PKCS8_ED25519_PREFIX, PKCS8_ED25519_PREFIX.length + 32);
        System.arraycopy(seed, 0, der, PKCS8_ED25519_PREFIX.length, 32);
        return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
