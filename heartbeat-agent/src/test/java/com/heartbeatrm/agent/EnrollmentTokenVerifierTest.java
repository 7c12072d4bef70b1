package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.protocol.TokenException;

import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.TokenException.Reason;
import com.heartbeatrm.protocol.Base64Url;
import com.heartbeatrm.protocol.internal.EnrollmentTokenCodec;
import com.heartbeatrm.protocol.internal.PasetoV4Public;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EnrollmentTokenVerifierTest {
    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    private final TestKeys keys = TestKeys.generate();
    private final EnrollmentTokenVerifier verifier = EnrollmentTokenVerifier.builder(PinnedKeySet.of(keys.publicKey))
            .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    private String sign(String payloadJson) {
        String footer = "{\"kid\":\"" + keys.publicKey.keyId() + "\"}";
        return PasetoV4Public.sign(payloadJson.getBytes(StandardCharsets.UTF_8), footer.getBytes(StandardCharsets.UTF_8),
                EnrollmentTokenCodec.IMPLICIT_ASSERTION, keys::sign);
    }

    private static void refused(Reason reason, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    @DisplayName("a token round-trips to the same claims and names its signing key")
    void roundTrip() throws Exception {
        EnrollmentClaims claims = TestKeys.claims(NOW.minusSeconds(10));
        String token = keys.token(claims);
        assertThat(token).startsWith("v4.public.");
        VerifiedEnrollmentToken verified = verifier.verify(token);
        assertThat(verified.claims()).isEqualTo(claims);
        assertThat(verified.signingKeyId()).isEqualTo(keys.publicKey.keyId());
        assertThat(verified.token().reveal()).isEqualTo(token);
        assertThat(verified.toString()).doesNotContain(token.substring(10, 40));
        assertThat(verified.token().toString()).doesNotContain("v4.public");
    }

    @Test
    @DisplayName("each refusal has its own reason")
    void reasons() {
        String good = keys.token(TestKeys.claims(NOW.minusSeconds(10)));
        refused(Reason.MALFORMED, () -> verifier.verify(""));
        refused(Reason.MALFORMED, () -> verifier.verify("hello"));
        refused(Reason.WRONG_VERSION_OR_PURPOSE, () -> verifier.verify(good.replace("v4.public.", "v4.local.")));
        refused(Reason.WRONG_VERSION_OR_PURPOSE, () -> verifier.verify(good.replace("v4.public.", "v3.public.")));
        refused(Reason.OVERSIZED, () -> verifier.verify("v4.public." + "A".repeat(16 * 1024)));
        refused(Reason.NON_CANONICAL_ENCODING, () -> verifier.verify(good.replace(".ey", ".e+")));
        refused(Reason.NON_CANONICAL_ENCODING, () -> verifier.verify(good + "="));
        String foreign = TestKeys.generate().token(TestKeys.claims(NOW));
        refused(Reason.UNKNOWN_SIGNING_KEY, () -> verifier.verify(foreign));
        refused(Reason.BAD_SIGNATURE, () -> verifier.verify(flip(good, 20)));
        refused(Reason.EXPIRED, () -> verifier.verify(keys.token(TestKeys.claims(NOW.minusSeconds(3600)))));
        refused(Reason.NOT_YET_VALID, () -> verifier.verify(keys.token(TestKeys.claims(NOW.plus(Duration.ofMinutes(6))))));
        refused(Reason.DUPLICATE_JSON_KEY, () -> verifier.verify(sign("{\"ver\":2,\"ver\":2}")));
        refused(Reason.INVALID_CLAIMS, () -> verifier.verify(sign("{\"ver\":\"1\"}")));
        refused(Reason.INVALID_CLAIMS, () -> verifier.verify(sign("{\"ver\":2,\"admin\":true}")));
        refused(Reason.INVALID_CLAIMS, () -> verifier.verify(sign("{\"ver\":2}")));
        refused(Reason.UNSUPPORTED_VERSION, () -> verifier.verify(sign("{\"ver\":1}")));
        refused(Reason.UNSUPPORTED_VERSION, () -> verifier.verify(sign("{\"ver\":3,\"iss\":\"x\"}")));
        // A whole version-1 token (its endpoints named the enroll URL itself) is refused by its version, not its shape.
        refused(Reason.UNSUPPORTED_VERSION, () -> verifier.verify(sign("{\"ver\":1,\"iss\":\"https://heartbeat.example\",\"org\":\""
                + TestKeys.ORG + "\",\"key\":\"" + TestKeys.KEY + "\",\"jti\":\"" + TestKeys.JTI + "\",\"iat\":\"2026-06-01T09:00:00Z\","
                + "\"endpoints\":[\"https://enroll.heartbeat.example/v1/enroll\"]}")));
        refused(Reason.MALFORMED, () -> verifier.verify(sign("[1,2]")));
        refused(Reason.MALFORMED, () -> verifier.verify(sign("{\"ver\":2} {}")));
        // Deep nesting never gets far: the decoder refuses the first unknown or mistyped member without descending.
        refused(Reason.INVALID_CLAIMS, () -> verifier.verify(sign("{" + "\"a\":{".repeat(40) + "}")));
        refused(Reason.INVALID_CLAIMS, () -> verifier.verify(sign("{\"endpoints\":" + "[".repeat(40) + "]")));
    }

    @Test
    @DisplayName("a PASETO signed for another purpose (implicit assertion) never verifies as an enrollment token")
    void otherPurposeRefused() {
        String footer = "{\"kid\":\"" + keys.publicKey.keyId() + "\"}";
        String other = PasetoV4Public.sign(keys.token(TestKeys.claims(NOW)).getBytes(StandardCharsets.UTF_8),
                footer.getBytes(StandardCharsets.UTF_8), "session-token/v1".getBytes(StandardCharsets.US_ASCII), keys::sign);
        refused(Reason.BAD_SIGNATURE, () -> verifier.verify(other));
    }

    @Test
    @DisplayName("the footer names exactly one well-formed kid")
    void footerRules() {
        byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
        refused(Reason.MALFORMED, () -> verifier.verify(PasetoV4Public.sign(payload, new byte[0], EnrollmentTokenCodec.IMPLICIT_ASSERTION, keys::sign)));
        String two = "{\"kid\":\"" + keys.publicKey.keyId() + "\",\"x\":\"y\"}";
        refused(Reason.MALFORMED, () -> verifier.verify(PasetoV4Public.sign(payload, two.getBytes(StandardCharsets.UTF_8),
                EnrollmentTokenCodec.IMPLICIT_ASSERTION, keys::sign)));
        String dup = "{\"kid\":\"" + keys.publicKey.keyId() + "\",\"kid\":\"" + keys.publicKey.keyId() + "\"}";
        refused(Reason.DUPLICATE_JSON_KEY, () -> verifier.verify(PasetoV4Public.sign(payload, dup.getBytes(StandardCharsets.UTF_8),
                EnrollmentTokenCodec.IMPLICIT_ASSERTION, keys::sign)));
    }

    @Test
    @DisplayName("non-zero trailing bits in the signature part are refused")
    void trailingBits() throws Exception {
        String good = keys.token(TestKeys.claims(NOW.minusSeconds(10)));
        String body = good.substring("v4.public.".length(), good.lastIndexOf('.'));
        byte[] raw = Base64Url.decode(body, "t");
        assertThat(body.length() % 4).isNotZero();
        char last = body.charAt(body.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char bumped = alphabet.charAt(alphabet.indexOf(last) + 1);
        String tampered = good.replace(body, body.substring(0, body.length() - 1) + bumped);
        refused(Reason.NON_CANONICAL_ENCODING, () -> verifier.verify(tampered));
        assertThat(raw).isNotEmpty();
    }

    @Test
    @DisplayName("pinned key sets round-trip through JSON and PEM, and refuse a kid that does not match its key")
    void keySets() {
        PinnedKeySet set = PinnedKeySet.of(keys.publicKey, TestKeys.generate().publicKey);
        assertThat(PinnedKeySet.parseJson(set.toJson()).keys()).containsExactlyElementsOf(set.keys());
        assertThat(SigningPublicKey.fromPem(keys.publicKey.toPem())).isEqualTo(keys.publicKey);
        String wrongKid = set.toJson().replace(keys.publicKey.keyId(), "hbs_AAAAAAAAAAAAAAAAAAAAAA");
        assertThatThrownBy(() -> PinnedKeySet.parseJson(wrongKid)).hasMessageContaining("does not match");
        assertThatThrownBy(() -> PinnedKeySet.parseJson("{\"keys\":[{\"kty\":\"RSA\"}]}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PinnedKeySet.parseJson("{\"keys\":[]}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PinnedKeySet.parseJson("{")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SigningPublicKey.fromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static String flip(String token, int index) {
        char c = token.charAt(index);
        return token.substring(0, index) + (c == 'A' ? 'B' : 'A') + token.substring(index + 1);
    }
}
