package com.heartbeatrm.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Response codes decoded, and a TPM that answers badly refused with a typed error (a real socket peer). */
class TpmResponseTest {
    @Test
    void decodesFormatOneAndFormatZeroCodes() {
        assertThat(TpmException.describe(0x1df)).isEqualTo("TPM_RC_INTEGRITY (parameter 1)");
        assertThat(TpmException.describe(0x18b)).isEqualTo("TPM_RC_HANDLE (handle 1)");
        assertThat(TpmException.describe(0x98e)).isEqualTo("TPM_RC_AUTH_FAIL (session 1)");
        assertThat(TpmException.describe(0x101)).isEqualTo("TPM_RC_FAILURE");
        assertThat(TpmException.describe(0x922)).isEqualTo("TPM_RC_RETRY");
        assertThat(TpmException.describe(0x9a2)).isEqualTo("TPM_RC_BAD_AUTH (session 1)");
        TpmException e = new TpmException("TPM2_Load", 0x1df);
        assertThat(e.baseCode()).isEqualTo(TpmException.RC_INTEGRITY);
        assertThat(e.getMessage()).isEqualTo("TPM2_Load failed: TPM_RC_INTEGRITY (parameter 1)");
    }

    @Test
    void oversizedResponseHeaderIsRefusedWithoutReadingIt() throws Exception {
        // tag 0x8001, size 1 MiB, rc 0: the client must refuse before allocating or reading the body.
        byte[] header = {(byte) 0x80, 0x01, 0x00, 0x10, 0x00, 0x00, 0, 0, 0, 0};
        assertThatThrownBy(() -> exchangeWith(header))
                .isInstanceOfSatisfying(TpmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TpmException.Kind.MALFORMED_RESPONSE);
                    assertThat(e.getMessage()).contains("size out of range");
                });
    }

    @Test
    void truncatedResponseIsRefused() throws Exception {
        byte[] header = {(byte) 0x80, 0x01, 0x00, 0x00, 0x00, 0x20, 0, 0, 0, 0, 1, 2};
        assertThatThrownBy(() -> exchangeWith(header))
                .isInstanceOfSatisfying(TpmException.class, e -> assertThat(e.kind()).isEqualTo(TpmException.Kind.MALFORMED_RESPONSE));
    }

    @Test
    void silentPeerTimesOut() throws Exception {
        assertThatThrownBy(() -> exchangeWith(null))
                .isInstanceOfSatisfying(TpmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TpmException.Kind.TRANSPORT);
                    assertThat(e.getMessage()).contains("did not answer");
                });
    }

    /** A peer that reads the command and answers {@code response} (or nothing), then the client creates a key. */
    private static void exchangeWith(byte[] response) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    in.readNBytes(10);
                    OutputStream out = s.getOutputStream();
                    if (response != null) {
                        out.write(response);
                        out.flush();
                        s.shutdownOutput();
                    }
                    in.readAllBytes(); // until the client hangs up
                } catch (IOException e) {
                    // the client hung up
                }
            });
            try (Tpm tpm = Tpm.open(TpmTcti.swtpm("127.0.0.1", server.getLocalPort()), Duration.ofMillis(500))) {
                tpm.createSigningKey();
            } finally {
                peer.get();
            }
        }
    }
}
