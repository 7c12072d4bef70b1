package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks one of our tokens with an independent implementation: the PAE bytes are rebuilt here from the
 * specification (not with the SDK's code) and the signature is verified by {@code openssl pkeyutl -rawin}.
 */
class OpensslOracleTest {
    private static final boolean CI = "true".equals(System.getenv("CI"));

    @TempDir
    Path dir;

    /** PAE per the PASETO specification: LE64(count), then LE64(length) and the bytes of each piece. */
    private static byte[] pae(byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer le = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        out.writeBytes(le.putLong(0, pieces.length).array());
        for (byte[] p : pieces) {
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, p.length).array());
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static int run(List<String> command, StringBuilder output) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    @DisplayName("openssl verifies our token's signature over independently rebuilt PAE bytes, and refuses a changed one")
    void opensslVerifiesOurSignature() throws Exception {
        boolean haveOpenssl;
        try {
            haveOpenssl = run(List.of("openssl", "version"), new StringBuilder()) == 0;
        } catch (java.io.IOException e) {
            haveOpenssl = false;
        }
        if (!haveOpenssl) {
            assertThat(CI).as("openssl is required under CI=true (.ci/run installs it)").isFalse();
            Assumptions.abort("openssl not installed: install it (apt-get install openssl) to run this oracle test");
        }
        Fixture f = new Fixture();
        String token = f.issue().token().reveal();

        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(4);
        byte[] body = Base64.getUrlDecoder().decode(parts[2]);
        byte[] footer = Base64.getUrlDecoder().decode(parts[3]);
        byte[] message = Arrays.copyOf(body, body.length - 64);
        byte[] signature = Arrays.copyOfRange(body, body.length - 64, body.length);
        byte[] pae = pae("v4.public.".getBytes(StandardCharsets.US_ASCII), message, footer,
                "heartbeat-enrollment-token/v1".getBytes(StandardCharsets.US_ASCII));

        Path pub = dir.resolve("issuer.pem");
        Files.writeString(pub, f.keys.ensureActiveKey().publicKey().toPem());
        Files.write(dir.resolve("pae.bin"), pae);
        Files.write(dir.resolve("sig.bin"), signature);
        StringBuilder out = new StringBuilder();
        int rc = run(List.of("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub.toString(), "-rawin",
                "-in", dir.resolve("pae.bin").toString(), "-sigfile", dir.resolve("sig.bin").toString()), out);
        assertThat(out.toString()).contains("Signature Verified Successfully");
        assertThat(rc).isZero();

        pae[pae.length - 1] ^= 1;
        Files.write(dir.resolve("pae.bin"), pae);
        StringBuilder bad = new StringBuilder();
        assertThat(run(List.of("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub.toString(), "-rawin",
                "-in", dir.resolve("pae.bin").toString(), "-sigfile", dir.resolve("sig.bin").toString()), bad)).isNotZero();
        assertThat(bad.toString()).contains("Signature Verification Failure");
    }
}
