package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.TokenException;

import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Round trips and tamper detection of enrollment tokens. */
class TokenProperties {
    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    private static final TestKeys KEYS = TestKeys.generate();
    private static final EnrollmentTokenVerifier VERIFIER = EnrollmentTokenVerifier.builder(PinnedKeySet.of(KEYS.publicKey))
            .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    @Provide
    Arbitrary<EnrollmentClaims> claims() {
        Arbitrary<String> id22 = Arbitraries.strings().withChars(B64).ofLength(21).map(s -> s + "A");
        Arbitrary<String> host = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> pin = Arbitraries.strings().withChars(B64).ofLength(42).map(s -> s + "A");
        return Builders.withBuilder(() -> new Object[10])
                .use(Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(60)).in((a, v) -> set(a, 0, v))
                .use(id22).in((a, v) -> set(a, 1, "org_" + v))
                .use(id22).in((a, v) -> set(a, 2, "hbk_" + v))
                .use(id22).in((a, v) -> set(a, 3, "ins_" + v))
                .use(Arbitraries.longs().between(-86_400L * 365, 299)).in((a, v) -> set(a, 4, NOW.plusSeconds(v).plusNanos(Math.abs(v % 1000) * 1000)))
                .use(Arbitraries.longs().between(1, 86_400L * 3650).optional(0.7)).in((a, v) -> set(a, 5, v))
                .use(host.list().ofMinSize(1).ofMaxSize(8)).in((a, v) -> set(a, 6, v))
                .use(pin.list().ofMaxSize(8)).in((a, v) -> set(a, 7, v))
                .use(Arbitraries.of("windows", "macos", "linux").optional()).in((a, v) -> set(a, 8, v))
                .build(a -> {
                    Instant iat = (Instant) a[4];
                    @SuppressWarnings("unchecked")
                    Optional<Long> ttl = (Optional<Long>) a[5];
                    // Keep expiry after both iat and NOW, so the verifier's clock accepts it.
                    Instant later = iat.isAfter(NOW) ? iat : NOW;
                    Optional<Instant> exp = ttl.map(t -> later.plusSeconds(t));
                    @SuppressWarnings("unchecked")
                    List<String> hosts = (List<String>) a[6];
                    @SuppressWarnings("unchecked")
                    List<String> pins = (List<String>) a[7];
                    @SuppressWarnings("unchecked")
                    Optional<String> platform = (Optional<String>) a[8];
                    return new EnrollmentClaims(EnrollmentClaims.FORMAT_VERSION, (String) a[0], (String) a[1], (String) a[2], (String) a[3], iat, exp,
                            hosts.stream().map(h -> URI.create("https://" + h + ".example:8443/heartbeat/v1/")).toList(), pins, platform);
                });
    }

    private static Object[] set(Object[] a, int i, Object v) {
        a[i] = v;
        return a;
    }

    @Property(tries = 200)
    void anyClaimsRoundTrip(@ForAll("claims") EnrollmentClaims claims) throws Exception {
        assertThat(VERIFIER.verify(KEYS.token(claims)).claims()).isEqualTo(claims);
    }

    @Property(tries = 300)
    void anyCharacterChangeFails(@ForAll("claims") EnrollmentClaims claims, @ForAll @IntRange(min = 0, max = 100_000) int where,
            @ForAll @IntRange(min = 1, max = 127) int delta) {
        String token = KEYS.token(claims);
        int i = where % token.length();
        char changed = (char) ((token.charAt(i) + delta) % 128);
        String tampered = token.substring(0, i) + changed + token.substring(i + 1);
        assertThat(tampered).isNotEqualTo(token);
        assertThatThrownBy(() -> VERIFIER.verify(tampered)).isInstanceOf(TokenException.class);
    }

    @Property(tries = 300)
    void anyBitFlipOfTheDecodedTokenFails(@ForAll("claims") EnrollmentClaims claims, @ForAll @IntRange(min = 0, max = 1_000_000) int bit)
            throws Exception {
        String token = KEYS.token(claims);
        String body = token.substring("v4.public.".length(), token.lastIndexOf('.'));
        byte[] raw = com.heartbeatrm.protocol.Base64Url.decode(body, "t");
        int b = bit % (raw.length * 8);
        raw[b / 8] ^= (byte) (1 << (b % 8));
        String tampered = token.replace(body, com.heartbeatrm.protocol.Base64Url.encode(raw));
        assertThatThrownBy(() -> VERIFIER.verify(tampered)).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.BAD_SIGNATURE));
    }

    @Property(tries = 200)
    void anyTruncationFails(@ForAll("claims") EnrollmentClaims claims, @ForAll @IntRange(min = 1, max = 100_000) int cut) {
        String token = KEYS.token(claims);
        String truncated = token.substring(0, token.length() - 1 - (cut % (token.length() - 1)));
        assertThatThrownBy(() -> VERIFIER.verify(truncated)).isInstanceOf(TokenException.class);
    }

    @Property(tries = 50)
    void aTokenSignedByAnUnpinnedKeyFails(@ForAll("claims") EnrollmentClaims claims) {
        String foreign = TestKeys.generate().token(claims);
        assertThatThrownBy(() -> VERIFIER.verify(foreign)).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.UNKNOWN_SIGNING_KEY));
    }

    @Property(tries = 300)
    void randomTextIsRefusedWithATypedReason(@ForAll String text) {
        assertThatThrownBy(() -> VERIFIER.verify(text)).isInstanceOf(TokenException.class);
        assertThatThrownBy(() -> VERIFIER.verify("v4.public." + text)).isInstanceOf(TokenException.class);
        assertThat(Duration.ZERO).isZero();
    }
}
