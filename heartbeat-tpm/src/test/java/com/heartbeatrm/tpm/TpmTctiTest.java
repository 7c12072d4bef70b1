package com.heartbeatrm.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TpmTctiTest {
    @Test
    void parsesSwtpmAndDevice() {
        TpmTcti swtpm = TpmTcti.parse("swtpm:host=127.0.0.1,port=2321");
        assertThat(swtpm.kind()).isEqualTo(TpmTcti.Kind.SWTPM);
        assertThat(swtpm.host()).isEqualTo("127.0.0.1");
        assertThat(swtpm.port()).isEqualTo(2321);
        assertThat(TpmTcti.parse(swtpm.toString())).isEqualTo(swtpm);
        assertThat(TpmTcti.parse("swtpm:port=2400")).isEqualTo(TpmTcti.swtpm("127.0.0.1", 2400));

        TpmTcti device = TpmTcti.parse("device:/dev/tpmrm0");
        assertThat(device.kind()).isEqualTo(TpmTcti.Kind.DEVICE);
        assertThat(device.device()).contains(Path.of("/dev/tpmrm0"));
        assertThat(device).hasToString("device:/dev/tpmrm0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "mssim:host=localhost,port=2321", "swtpm", "swtpm:", "swtpm:host=h", "swtpm:port=0",
            "swtpm:port=65535", "swtpm:port=99999999", "swtpm:port=1,port=2", "swtpm:host=a b,port=1", "swtpm:user=x,port=1",
            "device:", "device:dev/tpmrm0", "tabrmd:", "swtpm:port=-1"})
    void refusesAnythingElse(String tcti) {
        assertThatThrownBy(() -> TpmTcti.parse(tcti)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesOverlongInput() {
        assertThatThrownBy(() -> TpmTcti.parse("swtpm:host=" + "a".repeat(600) + ",port=1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unreachableSwtpmIsATransportError() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThatThrownBy(() -> Tpm.open(TpmTcti.swtpm("127.0.0.1", port), java.time.Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(TpmException.class, e -> assertThat(e.kind()).isEqualTo(TpmException.Kind.TRANSPORT));
    }
}
