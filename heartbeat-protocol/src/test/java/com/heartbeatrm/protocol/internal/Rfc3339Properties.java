package com.heartbeatrm.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The hand-written timestamp reader accepts exactly what the protocol's form (a regular expression) followed by
 * {@link OffsetDateTime#parse} accepted, and reads the same instant: the reference below is the implementation it
 * replaced, kept as the oracle.
 */
class Rfc3339Properties {
    private static final Pattern FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

    static Optional<Instant> reference(String text) {
        if (text == null || text.length() > Rfc3339.MAX_LENGTH || !FORM.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** Digits of a given width, with values around every field's limits, and now and then a character that is no digit. */
    private static Arbitrary<String> field(int width, int max) {
        Arbitrary<String> number = Arbitraries.integers().between(0, max).map(v -> String.format("%0" + width + "d", v));
        Arbitrary<String> odd = Arbitraries.strings().withChars("0123456789x-:Z /\u0660").ofMinLength(width - 1).ofMaxLength(width + 1);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(12, number), net.jqwik.api.Tuple.of(1, odd));
    }

    @Provide
    Arbitrary<String> timestamps() {
        Arbitrary<String> date = Combinators.combine(field(4, 9999), Arbitraries.of("-", "-", "-", "/"), field(2, 13), Arbitraries.of("-", "-", ":"),
                field(2, 32)).as((y, s1, m, s2, d) -> y + s1 + m + s2 + d);
        Arbitrary<String> time = Combinators.combine(field(2, 25), Arbitraries.of(":", ":", ":", "."), field(2, 61), Arbitraries.of(":", ":", "-"),
                field(2, 61)).as((h, s1, m, s2, s) -> h + s1 + m + s2 + s);
        Arbitrary<String> fraction = Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(11).map(f -> "." + f));
        Arbitrary<String> offset = Arbitraries.oneOf(Arbitraries.of("Z", "z", "", "+", "-00:00", "+18:00", "-18:00", "+18:01", "+05", "+05:30:00", "Zz"),
                Combinators.combine(Arbitraries.of("+", "-"), field(2, 20), Arbitraries.of(":", ":", ""), field(2, 61)).as((s, h, c, m) -> s + h + c + m));
        return Combinators.combine(date, Arbitraries.of("T", "t", "T", " ", "X"), time, fraction, offset).as((d, t, h, f, o) -> d + t + h + f + o);
    }

    @Property(tries = 20_000)
    void readsWhatTheFormAndTheJdkParserRead(@ForAll("timestamps") String text) {
        assertThat(Rfc3339.parse(text)).as(text).isEqualTo(reference(text));
    }

    @Property(tries = 2_000)
    void readsBackAnyInstantItWrote(@ForAll("instants") Instant at) {
        assertThat(Rfc3339.parse(at.toString())).contains(at);
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Combinators.combine(Arbitraries.longs().between(-62_167_219_200L, 253_402_300_799L), Arbitraries.integers().between(0, 999_999_999))
                .as(Instant::ofEpochSecond);
    }

    @Example
    void examples() {
        assertThat(Rfc3339.parse("2026-12-06T20:40:59Z")).contains(Instant.parse("2026-12-06T20:40:59Z"));
        assertThat(Rfc3339.parse("2026-12-06t20:40:59.5+01:30")).contains(Instant.parse("2026-12-06T19:10:59.500Z"));
        assertThat(Rfc3339.parse("2024-02-29T00:00:00z")).contains(Instant.parse("2024-02-29T00:00:00Z"));
        assertThat(Rfc3339.parse("2023-02-29T00:00:00Z")).isEmpty();
        assertThat(Rfc3339.parse("2026-12-06T24:00:00Z")).isEmpty();
        assertThat(Rfc3339.parse("2026-12-06T23:59:60Z")).isEmpty();
        assertThat(Rfc3339.parse("2026-12-06T20:40:59.Z")).isEmpty();
        assertThat(Rfc3339.parse("2026-12-06T20:40:59.1234567890Z")).isEmpty();
        assertThat(Rfc3339.parse("2026-12-06T20:40:59+18:01")).isEmpty();
        assertThat(Rfc3339.parse("2026-12-06T20:40:59+05")).isEmpty();
        assertThat(Rfc3339.parse("2026-12-06T20:40:59")).isEmpty();
        assertThat(Rfc3339.parse("\u0662026-12-06T20:40:59Z")).isEmpty();
        assertThat(Rfc3339.parse(null)).isEmpty();
        assertThat(Rfc3339.parse("2026-12-06T20:40:59.000000000+00:00" + "0".repeat(10))).isEmpty();
    }
}
