package com.heartbeatrm.enrollment.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SealedChallengeTest {
    static final String EK = "ab".repeat(32);

    static SealedChallenge sample(String trustedBy) {
        return new SealedChallenge("org_1", "key_2", "ins_3", Instant.ofEpochMilli(1_700_000_000_123L), Instant.ofEpochMilli(1_700_000_300_123L),
                new byte[90], EK, trustedBy, new byte[32], new byte[] {7, 7, 7});
    }

    @Test
    void roundTripsEveryField() throws Exception {
        SealedChallenge s = sample("cd".repeat(32));
        SealedChallenge back = SealedChallenge.decode(s.encode());
        assertThat(back.organization()).isEqualTo("org_1");
        assertThat(back.accessKey()).isEqualTo("key_2");
        assertThat(back.installer()).isEqualTo("ins_3");
        assertThat(back.issuedAt()).isEqualTo(s.issuedAt());
        assertThat(back.expiresAt()).isEqualTo(s.expiresAt());
        assertThat(back.attestationKeyPublic()).hasSize(90);
        assertThat(back.endorsementKeySha256()).isEqualTo(EK);
        assertThat(back.trustedBy()).isEqualTo("cd".repeat(32));
        assertThat(back.secret()).hasSize(32);
        assertThat(back.nonce()).containsExactly(7, 7, 7);
        assertThat(SealedChallenge.decode(sample("allow-list").encode()).trustedBy()).isEqualTo("allow-list");
        assertThat(s.toString()).doesNotContain(HexFormat.of().formatHex(s.secret()));
    }

    @Test
    void refusesOutOfBoundFields() {
        assertThatThrownBy(() -> sample("CN=Some CA")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SealedChallenge("", "k", "i", Instant.EPOCH, Instant.EPOCH, new byte[1], EK, "allow-list", new byte[1],
                new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SealedChallenge("o", "k", "i", Instant.EPOCH, Instant.EPOCH, new byte[1025], EK, "allow-list", new byte[1],
                new byte[1])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesTrailingBytesAndAnotherVersion() {
        byte[] good = sample("allow-list").encode();
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> SealedChallenge.decode(longer)).isInstanceOf(SealedChallenge.Malformed.class).hasMessageContaining("trailing");
        byte[] v2 = good.clone();
        v2[0] = 2;
        assertThatThrownBy(() -> SealedChallenge.decode(v2)).isInstanceOf(SealedChallenge.Malformed.class).hasMessageContaining("version");
        assertThatThrownBy(() -> SealedChallenge.decode(new byte[0])).isInstanceOf(SealedChallenge.Malformed.class);
    }

    /** Every truncation and every single-byte change either decodes to a valid value or is refused as malformed, never another exception. */
    @Property(tries = 300)
    void anyCorruptionIsRefusedAsMalformedOrStillValid(@ForAll @IntRange(min = 0, max = 200) int at, @ForAll byte value,
            @ForAll boolean truncate) {
        byte[] good = sample("cd".repeat(32)).encode();
        int i = at % good.length;
        byte[] bad = truncate ? Arrays.copyOf(good, i) : good.clone();
        if (!truncate) {
            bad[i] = value;
        }
        try {
            SealedChallenge.decode(bad);
        } catch (SealedChallenge.Malformed e) {
            assertThat(e.getMessage()).startsWith("sealed challenge");
        }
    }
}
