package com.heartbeatrm.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The hand-written id check accepts exactly what the regular expression it replaced accepted. */
class RandomIdsProperties {
    private static final Pattern BODY = Pattern.compile("[A-Za-z0-9_-]{21}[AQgw]");

    /** The check it replaced, kept as the oracle. */
    static boolean reference(String prefix, String id) {
        return id.length() == prefix.length() + 23 && id.startsWith(prefix + "_")
                && BODY.matcher(id).region(prefix.length() + 1, id.length()).matches();
    }

    @Provide
    Arbitrary<String> ids() {
        Arbitrary<String> fresh = Arbitraries.of("agt", "org", "grp", "hbk").map(RandomIds::next);
        Arbitrary<String> mutated = Arbitraries.of("agt", "org", "grp", "hbk").map(RandomIds::next).flatMap(id -> Arbitraries.integers()
                .between(0, id.length() - 1).flatMap(i -> Arbitraries.chars().with("AQgwBz09-_+/=. \u00e9\u0660x").map(c ->
                        id.substring(0, i) + c + id.substring(i + 1))));
        Arbitrary<String> cut = Arbitraries.of("agt", "org").map(RandomIds::next).flatMap(id -> Arbitraries.integers().between(0, id.length() + 2)
                .map(n -> n <= id.length() ? id.substring(0, n) : id + "A".repeat(n - id.length())));
        return Arbitraries.oneOf(fresh, mutated, mutated, cut, Arbitraries.strings().ofMaxLength(30));
    }

    @Property(tries = 20_000)
    void acceptsWhatTheExpressionAccepted(@ForAll("ids") String id) {
        for (String prefix : new String[] {"agt", "org", "grp", "hbk", "ag"}) {
            assertThat(RandomIds.wellFormed(prefix, id)).as(prefix + " " + id).isEqualTo(reference(prefix, id));
        }
    }
}
