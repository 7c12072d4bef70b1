package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.KeyEndorsement;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.internal.JdkEd25519;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KeyEndorsementTest {
    private final JdkEd25519 ed = new JdkEd25519();

    @Test
    @DisplayName("an endorsement verifies by its endorser only, and only for the key it names")
    void bindsKeyAndEndorser() {
        TestKeys old = TestKeys.generate();
        TestKeys fresh = TestKeys.generate();
        TestKeys stranger = TestKeys.generate();
        KeyEndorsement e = KeyEndorsement.of(fresh.publicKey, old.publicKey.keyId(), old.sign(KeyEndorsement.signedBytes(fresh.publicKey)));
        assertThat(e.verifiedBy(old.publicKey, ed)).isTrue();
        assertThat(e.verifiedBy(stranger.publicKey, ed)).isFalse();
        KeyEndorsement moved = KeyEndorsement.of(stranger.publicKey, old.publicKey.keyId(),
                old.sign(KeyEndorsement.signedBytes(fresh.publicKey)));
        assertThat(moved.verifiedBy(old.publicKey, ed)).as("a signature cannot be moved to another key").isFalse();
        // A credential or token signature over other bytes is no endorsement.
        KeyEndorsement forged = KeyEndorsement.of(fresh.publicKey, old.publicKey.keyId(), old.sign(fresh.publicKey.rawKey()));
        assertThat(forged.verifiedBy(old.publicKey, ed)).isFalse();
    }
}
