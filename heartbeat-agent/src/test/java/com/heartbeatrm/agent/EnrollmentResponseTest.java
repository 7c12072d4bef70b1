package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.protocol.KeyEndorsement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The response codec: writer and strict parser are inverses; everything else is a typed refusal. */
class EnrollmentResponseTest {
    private static final EnrollmentResponse.Placement PLACE = new EnrollmentResponse.Placement("agt_DDDDDDDDDDDDDDDDDDDDDA",
            "org_AAAAAAAAAAAAAAAAAAAAAA", "Acme MSP", "Customer A/Site 1");
    private static final AgentCredential CREDENTIAL = AgentCredential.of("v4.public.eyJ4IjoxfQ." + "A".repeat(86));

    private static EnrollmentResponse roundTrip(EnrollmentResponse r) throws Exception {
        return EnrollmentResponse.parse(r.httpStatus(), r.toJson());
    }

    @Test
    @DisplayName("every outcome round-trips with its status code")
    void roundTrips() throws Exception {
        TestKeys old = TestKeys.generate();
        TestKeys fresh = TestKeys.generate();
        KeyEndorsement e = KeyEndorsement.of(fresh.publicKey, old.publicKey.keyId(), old.sign(KeyEndorsement.signedBytes(fresh.publicKey)));
        String pin = "A".repeat(43);
        EnrollmentResponse.Enrolled enrolled = new EnrollmentResponse.Enrolled(PLACE, CREDENTIAL, Instant.parse("2026-06-01T16:00:00Z"), 1,
                List.of(e), List.of(pin));
        EnrollmentResponse.Credentialed back = (EnrollmentResponse.Credentialed) roundTrip(enrolled);
        assertThat(back).isInstanceOf(EnrollmentResponse.Enrolled.class);
        assertThat(back.placement()).isEqualTo(PLACE);
        assertThat(back.credential().reveal()).isEqualTo(CREDENTIAL.reveal());
        assertThat(back.endorsements()).containsExactly(e);
        assertThat(back.tlsPins()).containsExactly(pin);
        assertThat(roundTrip(new EnrollmentResponse.Renewed(PLACE, CREDENTIAL, Instant.parse("2026-06-01T16:00:00Z"), 7, List.of(), List.of())))
                .isInstanceOf(EnrollmentResponse.Renewed.class);
        assertThat(roundTrip(new EnrollmentResponse.Pending(PLACE))).isEqualTo(new EnrollmentResponse.Pending(PLACE));
        EnrollmentResponse.Denied d = new EnrollmentResponse.Denied(DenialCode.UNAVAILABLE, "try again", Optional.of(Duration.ofSeconds(5)));
        assertThat(roundTrip(d)).isEqualTo(d);
        assertThat(enrolled.toString()).doesNotContain(CREDENTIAL.reveal());
    }

    @Test
    @DisplayName("a status line that disagrees with the body, unknown or repeated members, and oversize are refused")
    void strict() {
        byte[] ok = new EnrollmentResponse.Pending(PLACE).toJson();
        assertThatThrownBy(() -> EnrollmentResponse.parse(200, ok)).isInstanceOf(EnrollmentResponse.MalformedException.class);
        String json = new String(ok, StandardCharsets.UTF_8);
        for (String bad : List.of(json.replace("\"v\":1", "\"v\":2"), json.replace("}", ",\"extra\":1}"),
                json.replace("{", "{\"status\":\"pending\","), json.replace("Acme MSP", "Acme\\u0007MSP"), "[]", "", "{\"v\":1}")) {
            assertThatThrownBy(() -> EnrollmentResponse.parse(202, bad.getBytes(StandardCharsets.UTF_8))).as(bad)
                    .isInstanceOf(EnrollmentResponse.MalformedException.class);
        }
        assertThatThrownBy(() -> EnrollmentResponse.parse(202, new byte[EnrollmentProtocol.MAX_BODY_BYTES + 1]))
                .isInstanceOf(EnrollmentResponse.MalformedException.class);
        byte[] denied = new EnrollmentResponse.Denied(DenialCode.KEY_DISABLED, "disabled").toJson();
        assertThatThrownBy(() -> EnrollmentResponse.parse(500, denied)).isInstanceOf(EnrollmentResponse.MalformedException.class);
    }

    @Provide
    Arbitrary<byte[]> junk() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    }

    @Property(tries = 400)
    void anyBytesAreAResponseOrATypedRefusal(@ForAll("junk") byte[] body, @ForAll("statuses") int status) {
        try {
            EnrollmentResponse.parse(status, body);
        } catch (EnrollmentResponse.MalformedException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<Integer> statuses() {
        return Arbitraries.of(200, 202, 400, 403, 404, 429, 500, 503);
    }

    @Property(tries = 300)
    void mutatedValidAnswersNeverCrashTheParser(@ForAll("positions") int position, @ForAll byte value) {
        byte[] body = new EnrollmentResponse.Renewed(PLACE, CREDENTIAL, Instant.parse("2026-06-01T16:00:00Z"), 2, List.of(), List.of()).toJson();
        body[position % body.length] = value;
        try {
            EnrollmentResponse.parse(200, body);
        } catch (EnrollmentResponse.MalformedException expected) {
            assertThat(expected.getMessage()).doesNotContain(CREDENTIAL.reveal());
        }
    }

    @Provide
    Arbitrary<Integer> positions() {
        return Arbitraries.integers().between(0, 10_000);
    }
}
