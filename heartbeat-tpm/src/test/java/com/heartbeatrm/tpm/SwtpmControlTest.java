package com.heartbeatrm.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.tpm.internal.SwtpmTransport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** swtpm's control port: CMD_SHUTDOWN saves the state and ends the process; the key made before survives. */
class SwtpmControlTest {
    @TempDir
    Path dir;

    @Test
    void shutdownOnTheControlPortEndsSwtpmAndKeepsItsState() throws Exception {
        TpmKeyBlob blob;
        Path state;
        try (Swtpm swtpm = Swtpm.fresh(dir)) {
            try (Tpm tpm = swtpm.open()) {
                blob = tpm.createSigningKey();
            }
            state = swtpm.stateDir;
            SwtpmTransport.shutdown("127.0.0.1", swtpm.port() + 1, Duration.ofSeconds(5));
            assertThat(swtpm.exitsWithin(Duration.ofSeconds(10))).isTrue();
            assertThatThrownBy(() -> Tpm.open(swtpm.tcti(), Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(TpmException.class, e -> assertThat(e.kind()).isEqualTo(TpmException.Kind.TRANSPORT));
        }
        try (Swtpm again = Swtpm.start(state); Tpm tpm = again.open()) {
            assertThat(tpm.sign(blob, new byte[] {1})).isNotEmpty();
        }
    }
}
