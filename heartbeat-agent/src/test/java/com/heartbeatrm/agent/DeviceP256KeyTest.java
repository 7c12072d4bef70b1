package com.heartbeatrm.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.agent.KeyCustodyException.Kind;
import com.heartbeatrm.protocol.HeartbeatCheckedException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeviceP256KeyTest {
    /** A device that refuses to sign, or answers with something that is not a DER signature. */
    private static DeviceP256Key device(byte[] answer) {
        return new DeviceP256Key("broken", new byte[65], new byte[] {1}) {
            @Override
            protected byte[] signInDevice(byte[] message) throws KeyCustodyException {
                if (answer.length == 0) {
                    throw new KeyCustodyException(Kind.UNAVAILABLE, "the device is gone");
                }
                return answer.clone();
            }
        };
    }

    @Test
    @DisplayName("a device that cannot sign fails sign() with its KeyCustodyException, under the agent side's checked root")
    void refusalTravelsUnchecked() {
        assertThatThrownBy(() -> device(new byte[0]).sign(new byte[] {42}))
                .isInstanceOfSatisfying(KeyCustodyException.Unchecked.class, e -> {
                    assertThat(e.getCause().kind()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.getCause()).isInstanceOf(HeartbeatCheckedException.class).hasMessage("the device is gone");
                    assertThat(e).hasMessage("the device is gone");
                });
        assertThatThrownBy(() -> device(new byte[] {0x30, 0x01}).sign(new byte[] {42}))
                .isInstanceOfSatisfying(KeyCustodyException.Unchecked.class, e -> {
                    assertThat(e.getCause().kind()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e.getCause()).hasMessage("the broken custody answered with a malformed signature");
                });
    }
}
