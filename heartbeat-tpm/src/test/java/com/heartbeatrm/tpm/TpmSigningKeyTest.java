package com.heartbeatrm.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing keys made in a real swtpm, checked with JCA, tpm2-tools and openssl. */
class TpmSigningKeyTest {
    @TempDir
    Path dir;

    @Test
    void keyMadeInTheTpmSignsWhatJcaVerifies() throws Exception {
        try (Swtpm swtpm = Swtpm.fresh(dir); Tpm tpm = swtpm.open()) {
            TpmKeyBlob blob = tpm.createSigningKey();
            TpmKeyBlob key = TpmKeyBlob.parse(blob.encoded());
            tpm.checkLoads(key);
            byte[] message = "renew agent 42".getBytes(StandardCharsets.UTF_8);
            byte[] der = tpm.sign(key, message);

            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key.publicKey());
            verifier.update(message);
            assertThat(verifier.verify(der)).isTrue();
            verifier.initVerify(key.publicKey());
            verifier.update("renew agent 43".getBytes(StandardCharsets.UTF_8));
            assertThat(verifier.verify(der)).isFalse();
            assertThat(key.publicKey().getAlgorithm()).isEqualTo("EC");

            byte[] encoded = blob.encoded();
            for (int n = 0; n < encoded.length; n++) {
                byte[] cut = java.util.Arrays.copyOf(encoded, n);
                assertThatThrownBy(() -> TpmKeyBlob.parse(cut)).isInstanceOf(IllegalArgumentException.class);
            }
            byte[] longer = java.util.Arrays.copyOf(encoded, encoded.length + 1);
            assertThatThrownBy(() -> TpmKeyBlob.parse(longer)).isInstanceOf(IllegalArgumentException.class);
            assertThat(blob.toString()).doesNotContain(HexFormat.of().formatHex(blob.privateBlob()).substring(0, 16));
        }
    }

    @Test
    void tpm2ToolsAndOpensslAgreeWithOurPublicAreaNameAndSignature() throws Exception {
        try (Swtpm swtpm = Swtpm.fresh(dir)) {
            TpmKeyBlob blob;
            byte[] message = new byte[1000];
            new java.security.SecureRandom().nextBytes(message);
            byte[] der;
            // swtpm serves one connection at a time: ours closes before tpm2-tools connects.
            try (Tpm tpm = swtpm.open()) {
                blob = tpm.createSigningKey();
                der = tpm.sign(blob, message);
            }

            // TPM2B_PUBLIC as tpm2-tools reads it: a 2-byte size, then the TPMT_PUBLIC.
            byte[] area = blob.publicArea();
            byte[] tpm2b = new byte[area.length + 2];
            tpm2b[0] = (byte) (area.length >>> 8);
            tpm2b[1] = (byte) area.length;
            System.arraycopy(area, 0, tpm2b, 2, area.length);
            Files.write(dir.resolve("key.pub"), tpm2b);
            swtpm.tpm2(dir, "tpm2_loadexternal", "-C", "n", "-u", dir.resolve("key.pub").toString(),
                    "-c", dir.resolve("key.ctx").toString());
            String readPublic = swtpm.tpm2(dir, "tpm2_readpublic", "-c", dir.resolve("key.ctx").toString(),
                    "-f", "pem", "-o", dir.resolve("key.pem").toString());
            assertThat(readPublic).contains("name: " + HexFormat.of().formatHex(blob.name()));
            assertThat(readPublic).contains("fixedtpm").contains("fixedparent").contains("sign");

            Files.write(dir.resolve("message"), message);
            Files.write(dir.resolve("sig.der"), der);
            Swtpm.run(dir, List.of("openssl", "dgst", "-sha256", "-verify", dir.resolve("key.pem").toString(),
                    "-signature", dir.resolve("sig.der").toString(), dir.resolve("message").toString()));
        }
    }

    @Test
    void blobCopiedToAnotherTpmCannotBeLoadedThere() throws Exception {
        TpmKeyBlob blob;
        try (Swtpm first = Swtpm.fresh(dir.resolve("first")); Tpm tpm = first.open()) {
            blob = tpm.createSigningKey();
            tpm.sign(blob, new byte[] {1});
        }
        byte[] copied = blob.encoded();
        try (Swtpm second = Swtpm.fresh(dir.resolve("second")); Tpm tpm = second.open()) {
            assertThatThrownBy(() -> tpm.checkLoads(TpmKeyBlob.parse(copied)))
                    .isInstanceOfSatisfying(TpmException.class, e -> {
                        assertThat(e.kind()).isEqualTo(TpmException.Kind.TPM_ERROR);
                        assertThat(e.baseCode()).isEqualTo(TpmException.RC_INTEGRITY);
                        assertThat(e.getMessage()).startsWith("TPM2_Load failed: TPM_RC_INTEGRITY");
                    });
        }
    }

    @Test
    void theSameTpmLoadsTheBlobAfterARestart() throws Exception {
        TpmKeyBlob blob;
        Path state;
        try (Swtpm swtpm = Swtpm.fresh(dir); Tpm tpm = swtpm.open()) {
            blob = tpm.createSigningKey();
            state = swtpm.stateDir;
        }
        try (Swtpm again = Swtpm.start(state); Tpm tpm = again.open()) {
            byte[] der = tpm.sign(blob, new byte[] {7});
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(blob.publicKey());
            verifier.update(new byte[] {7});
            assertThat(verifier.verify(der)).isTrue();
        }
    }
}
