package com.heartbeatrm.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** No secret-bearing object prints its secret, in any common encoding. */
class ToStringProperties {

    @Property(tries = 300)
    void secretBytesNeverPrintTheirContent(@ForAll @Size(min = 4, max = 64) byte[] secret) {
        SecretBytes s = SecretBytes.copyOf(secret, SecretAccess.grant());
        String printed = s.toString() + String.valueOf(s) + java.util.List.of(s) + java.util.Map.of("k", s);
        assertThat(printed).doesNotContain(HexFormat.of().formatHex(secret))
                .doesNotContain(HexFormat.of().withUpperCase().formatHex(secret))
                .doesNotContain(Base64.getEncoder().encodeToString(secret))
                .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(secret))
                .doesNotContain(java.util.Arrays.toString(secret));
    }
}
