package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.protocol.RequestException;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Request bodies: round trips, and any input is either a request or a typed refusal. */
class RequestProperties {
    private static final AgentKeyPair KEYS = AgentKeyPair.generate();
    private static final EnrollmentToken TOKEN = EnrollmentToken.of(TestKeys.generate().token(TestKeys.claims(Instant.parse("2026-06-01T10:00:00Z"))));

    @Provide
    Arbitrary<AgentFacts> facts() {
        return net.jqwik.api.Combinators.combine(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789.-").ofMinLength(1).ofMaxLength(60),
                Arbitraries.of("windows", "macos", "linux"),
                Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(100),
                Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(100),
                Arbitraries.strings().withChars("abcdef0123456789:").ofMinLength(1).ofMaxLength(128).optional())
                .as(AgentFacts::new);
    }

    @Property(tries = 200)
    void requestsRoundTripAndTheirProofVerifies(@ForAll("facts") AgentFacts facts) throws Exception {
        EnrollmentRequest r = EnrollmentRequest.create(TOKEN, KEYS, facts, java.time.Clock.systemUTC());
        EnrollmentRequest back = EnrollmentRequest.parse(r.toJson());
        assertThat(back.facts()).isEqualTo(facts);
        assertThat(back.token()).isEqualTo(TOKEN);
        assertThat(back.publicKeyFingerprint()).isEqualTo(KEYS.fingerprint());
        assertThat(back.proofVerifies(new com.heartbeatrm.protocol.internal.JdkEd25519())).isTrue();
    }

    @Property(tries = 500)
    void anyTextIsARequestOrATypedRefusal(@ForAll String text) {
        try {
            EnrollmentRequest.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (RequestException e) {
            assertThat(e.problem()).isNotNull();
        }
        try {
            RenewalRequest.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (RequestException e) {
            assertThat(e.problem()).isNotNull();
        }
    }

    @Property(tries = 300)
    void anyByteChangeIsRefusedOrBreaksTheProof(@ForAll @IntRange(min = 0, max = 100_000) int where,
            @ForAll @IntRange(min = 1, max = 255) int delta) {
        EnrollmentRequest original = EnrollmentRequest.create(TOKEN, KEYS, new AgentFacts("pc", "windows", "11", "1.0", Optional.empty()),
                java.time.Clock.systemUTC());
        byte[] body = original.toJson();
        int i = where % body.length;
        body[i] = (byte) (body[i] + delta);
        try {
            EnrollmentRequest parsed = EnrollmentRequest.parse(body);
            // It still parses (e.g. a changed letter in a string): then the proof must not cover it any more, unless the
            // change was in the proof or key itself, which the proof check catches too. The one way a change may keep
            // the proof is to change nothing it covers: the platform is read without regard to case ("Windows" is
            // "windows"), so its signed bytes, and all the server acts on, are the original's.
            if (parsed.proofVerifies(new com.heartbeatrm.protocol.internal.JdkEd25519())) {
                assertThat(parsed.signedBytes()).as("a changed body kept its proof: it must mean the same").isEqualTo(original.signedBytes());
                assertThat(parsed.facts()).isEqualTo(original.facts());
                assertThat(parsed.nonce()).isEqualTo(original.nonce());
                assertThat(parsed.publicKeyFingerprint()).isEqualTo(original.publicKeyFingerprint());
            }
        } catch (RequestException e) {
            assertThat(e.problem()).isNotNull();
        }
    }

    @net.jqwik.api.Example
    void aPlatformInOtherLettersIsTheSameRequest() throws RequestException {
        EnrollmentRequest original = EnrollmentRequest.create(TOKEN, KEYS, new AgentFacts("pc", "windows", "11", "1.0", Optional.empty()),
                java.time.Clock.systemUTC());
        String json = new String(original.toJson(), StandardCharsets.UTF_8);
        EnrollmentRequest upper = EnrollmentRequest.parse(json.replace("\"windows\"", "\"Windows\"").getBytes(StandardCharsets.UTF_8));
        // What CI run 8 drew once in 300 tries: the proof still verifies, because the request means the same.
        assertThat(json).contains("\"windows\"");
        assertThat(upper.proofVerifies(new com.heartbeatrm.protocol.internal.JdkEd25519())).isTrue();
        assertThat(upper.signedBytes()).isEqualTo(original.signedBytes());
    }
}
