package com.heartbeatrm.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.tpm.internal.Attest;
import com.heartbeatrm.tpm.internal.Credential;
import com.heartbeatrm.tpm.internal.PublicArea;
import com.heartbeatrm.tpm.internal.TpmReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tpm2-tools vectors in docs/testdata/tpm (see its README), checked without a TPM. */
class TpmVectorsTest {
    static final Path DIR = Path.of("..", "docs", "testdata", "tpm");

    static byte[] read(String name) throws Exception {
        return Files.readAllBytes(DIR.resolve(name));
    }

    @Test
    void tpm2CertifyOutputVerifiesAndNamesTheKey() throws Exception {
        byte[] ak = TpmToolsOracleTest.unsized(read("ak.pub"));
        assertThat(PublicArea.name(ak)).isEqualTo(read("ak.name"));
        byte[] key = TpmToolsOracleTest.unsized(read("key.pub"));
        TpmToolsOracleTest.checkCertification(ak, read("certify-attest.bin"), read("certify-signature.bin"), key);
        // tpm2-tools 5.4 cannot set qualifying data; it always sends these four bytes.
        assertThat(Attest.parseCertify(read("certify-attest.bin")).extraData()).containsExactly((byte) 0x00, (byte) 0xff, (byte) 0x55, (byte) 0xaa);
    }

    @Test
    void aFlippedByteBreaksTheSignatureOrTheStructure() throws Exception {
        byte[] ak = TpmToolsOracleTest.unsized(read("ak.pub"));
        byte[] attest = read("certify-attest.bin");
        byte[] der = Attest.ecdsaSignatureToDer(read("certify-signature.bin"));
        for (int i = 0; i < attest.length; i++) {
            byte[] tampered = attest.clone();
            tampered[i] ^= 0x01;
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(PublicArea.parse(ak).toPublicKey());
            ecdsa.update(tampered);
            assertThat(ecdsa.verify(der)).as("byte %d", i).isFalse();
        }
        byte[] truncated = java.util.Arrays.copyOf(attest, attest.length - 1);
        assertThatThrownBy(() -> Attest.parseCertify(truncated)).isInstanceOf(TpmReader.Malformed.class);
        byte[] longer = java.util.Arrays.copyOf(attest, attest.length + 1);
        assertThatThrownBy(() -> Attest.parseCertify(longer)).isInstanceOf(TpmReader.Malformed.class);
    }

    @ParameterizedTest
    @CsvSource({"ek.pub, RSA_2048", "ek-ecc.pub, ECC_P256"})
    void ourEndorsementTemplatesAreTheOnesTpm2ToolsUses(String file, EndorsementKeyType type) throws Exception {
        PublicArea theirs = PublicArea.parse(TpmToolsOracleTest.unsized(read(file)));
        PublicArea ours = PublicArea.parse(type.template());
        assertThat(ours.type()).isEqualTo(theirs.type());
        assertThat(ours.curve()).isEqualTo(theirs.curve());
        assertThat(ours.attributes()).isEqualTo(theirs.attributes());
        assertThat(ours.authPolicy()).isEqualTo(theirs.authPolicy());
        assertThat(ours.symmetric()).isEqualTo(theirs.symmetric());
        assertThat(ours.symmetricBits()).isEqualTo(theirs.symmetricBits());
        assertThat(ours.scheme()).isEqualTo(theirs.scheme());
    }

    @ParameterizedTest
    @CsvSource({"credential.bin, ek.pub", "credential-ecc.bin, ek-ecc.pub"})
    void ourMakeCredentialHasTpm2MakecredentialsLayout(String credentialFile, String ekFile) throws Exception {
        TpmReader r = new TpmReader(read(credentialFile));
        assertThat(r.u32("magic")).isEqualTo(0xBADCC0DE);
        assertThat(r.u32("version")).isEqualTo(1);
        byte[] theirIdObject = r.sized(1024, "id object");
        byte[] theirSecret = r.sized(1024, "encrypted secret");
        r.expectEnd(credentialFile);

        java.security.PublicKey ek = PublicArea.parse(TpmToolsOracleTest.unsized(read(ekFile))).toPublicKey();
        Credential.Made ours = ek instanceof RSAPublicKey rsa
                ? Credential.make(rsa, read("ak.name"), read("credential-secret.bin"), new SecureRandom())
                : Credential.make((ECPublicKey) ek, read("ak.name"), read("credential-secret.bin"), new SecureRandom());
        assertThat(ours.credentialBlob()).hasSameSizeAs(theirIdObject);
        assertThat(ours.encryptedSecret()).hasSameSizeAs(theirSecret);
        // Both start with the 32-byte integrity HMAC as a TPM2B.
        assertThat(new TpmReader(ours.credentialBlob()).u16("integrity size")).isEqualTo(32);
        assertThat(new TpmReader(theirIdObject).u16("integrity size")).isEqualTo(32);
        if (ek instanceof ECPublicKey) {
            // The ephemeral point: two 32-byte coordinates, each a TPM2B, on P-256.
            TpmReader point = new TpmReader(theirSecret);
            assertThat(point.sized(32, "x")).hasSize(32);
            assertThat(point.sized(32, "y")).hasSize(32);
            point.expectEnd("point");
        }
    }
}
