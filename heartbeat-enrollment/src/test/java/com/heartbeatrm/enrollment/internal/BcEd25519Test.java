package com.heartbeatrm.enrollment.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("BouncyCastle Ed25519 with remembered token signatures")
class BcEd25519Test {
    private final byte[] seed = BcEd25519.generateSeed();
    private final byte[] key = BcEd25519.publicKey(seed);
    private final byte[] message = "v4.public token bytes".getBytes(StandardCharsets.UTF_8);
    private final byte[] signature = BcEd25519.sign(seed, key, message);

    @Test
    @DisplayName("the same token signature is computed once, then recognised")
    void remembersValidSignatures() {
        BcEd25519 v = BcEd25519.remembering();
        for (int i = 0; i < 5; i++) {
            assertThat(v.verify(key, message, signature)).isTrue();
        }
        assertThat(v.computed()).isEqualTo(1);
    }

    @Test
    @DisplayName("a remembered signature does not vouch for another message or another key")
    void memoryMatchesKeyAndMessageExactly() {
        BcEd25519 v = BcEd25519.remembering();
        assertThat(v.verify(key, message, signature)).isTrue();
        byte[] changed = message.clone();
        changed[changed.length - 1] ^= 1;
        assertThat(v.verify(key, changed, signature)).isFalse();
        byte[] otherKey = BcEd25519.publicKey(BcEd25519.generateSeed());
        assertThat(v.verify(otherKey, message, signature)).isFalse();
        assertThat(v.computed()).isEqualTo(3);
    }

    @Test
    @DisplayName("an invalid signature is never remembered: each attempt is computed")
    void failuresAreNotRemembered() {
        BcEd25519 v = BcEd25519.remembering();
        byte[] bad = signature.clone();
        bad[0] ^= 1;
        assertThat(v.verify(key, message, bad)).isFalse();
        assertThat(v.verify(key, message, bad)).isFalse();
        assertThat(v.computed()).isEqualTo(2);
    }

    @Test
    @DisplayName("the memory is bounded: past its size it starts over, and still verifies")
    void bounded() {
        BcEd25519 v = BcEd25519.remembering();
        for (int i = 0; i <= BcEd25519.MAX_REMEMBERED; i++) {
            byte[] m = ("message " + i).getBytes(StandardCharsets.UTF_8);
            assertThat(v.verify(key, m, BcEd25519.sign(seed, key, m))).isTrue();
        }
        assertThat(v.verify(key, message, signature)).isTrue();
        assertThat(v.verify(key, message, signature)).isTrue();
        assertThat(v.computed()).isEqualTo(BcEd25519.MAX_REMEMBERED + 2L);
    }

    @Test
    @DisplayName("PLAIN remembers nothing (agent keys are seen once)")
    void plainComputesEveryTime() {
        long before = BcEd25519.PLAIN.computed();
        assertThat(BcEd25519.PLAIN.verify(key, message, signature)).isTrue();
        assertThat(BcEd25519.PLAIN.verify(key, message, signature)).isTrue();
        assertThat(BcEd25519.PLAIN.computed() - before).isGreaterThanOrEqualTo(2);
    }
}
