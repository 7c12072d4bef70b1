package com.heartbeatrm.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Each hand-written form check accepts exactly what the regular expression it replaced accepted. */
class TextFormsProperties {
    private static final Pattern AGT = Pattern.compile("agt_[A-Za-z0-9_-]{21}[AQgw]");
    private static final Pattern ORG = Pattern.compile("org_[A-Za-z0-9_-]{21}[AQgw]");
    private static final Pattern PIN = Pattern.compile("[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]");
    private static final Pattern ISSUER = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final Pattern FP = Pattern.compile("[0-9a-f]{64}");
    private static final String CHARS = "AQgwEIMUYcgkos048Bz9-_+/=.:Zaf \u00e9\u0660\u007f!~";

    /** Strings near each form: right length, one character changed, one more or less, and anything. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> base = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_").ofLength(21)
                        .flatMap(b -> Arbitraries.of("agt_", "org_", "grp_", "ag_", "agt").flatMap(p -> Arbitraries.of('A', 'Q', 'g', 'w', 'B')
                                .map(l -> p + b + l))),
                Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_").ofLength(42)
                        .flatMap(b -> Arbitraries.chars().with("AEIMQUYcgkosw048Bz").map(l -> b + l)),
                Arbitraries.strings().withChars("0123456789abcdefA").ofMinLength(63).ofMaxLength(65),
                Arbitraries.strings().ofMinLength(0).ofMaxLength(202).withCharRange('\u0019', '\u0080'),
                Arbitraries.strings().ofMaxLength(70));
        return base.flatMap(s -> Arbitraries.integers().between(-1, s.length()).flatMap(i -> Arbitraries.chars().with(CHARS)
                .map(c -> i < 0 || s.isEmpty() ? s : i == s.length() ? s + c : s.substring(0, i) + c + s.substring(i + 1))));
    }

    @Property(tries = 20_000)
    void eachCheckAcceptsWhatItsExpressionAccepted(@ForAll("texts") String s) {
        assertThat(TextForms.isId(s, "agt")).as("agt " + s).isEqualTo(AGT.matcher(s).matches());
        assertThat(TextForms.isId(s, "org")).as("org " + s).isEqualTo(ORG.matcher(s).matches());
        assertThat(TextForms.isBase64Url(s, 0, 43, "AEIMQUYcgkosw048")).as("pin " + s).isEqualTo(PIN.matcher(s).matches());
        assertThat(TextForms.isVisibleAscii(s, 200)).as("issuer " + s).isEqualTo(ISSUER.matcher(s).matches());
        assertThat(TextForms.isLowerHex(s, 64)).as("fp " + s).isEqualTo(FP.matcher(s).matches());
    }

    @Example
    void nullIsNoForm() {
        assertThat(TextForms.isId(null, "agt")).isFalse();
        assertThat(TextForms.isVisibleAscii(null, 200)).isFalse();
        assertThat(TextForms.isLowerHex(null, 64)).isFalse();
    }
}
