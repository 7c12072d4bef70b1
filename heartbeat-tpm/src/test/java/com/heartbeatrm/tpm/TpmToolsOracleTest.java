package com.heartbeatrm.tpm;

import com.heartbeatrm.protocol.AttestationChallenge;
import com.heartbeatrm.protocol.AttestationEvidence;
import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.tpm.internal.Attest;
import com.heartbeatrm.tpm.internal.PublicArea;
import com.heartbeatrm.tpm.internal.TpmReader;
import com.heartbeatrm.tpm.internal.TpmWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * tpm2-tools as the other end of each half: it activates the credential our verifier made, and it makes the credential
 * our agent side activates, on the same swtpm. tpm2-tools 5.4's tpm2_certify cannot pass qualifying data, so its
 * certification is checked piece by piece and the verifier refuses it as made for another nonce.
 */
class TpmToolsOracleTest {
    private static final int CRED_MAGIC = 0xBADCC0DE;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(EndorsementKeyType.class)
    void tpm2ToolsAgentActivatesOurCredentialAndItsCertificationVerifies(EndorsementKeyType type) throws Exception {
        boolean rsa = type == EndorsementKeyType.RSA_2048;
        TestCa ca = TestCa.create(dir.resolve("ca"), "Oracle TPM CA");
        try (Swtpm swtpm = Swtpm.manufactured(dir.resolve("tpm"), ca)) {
            tool(swtpm, "tpm2_createek", "-c", p("ek.ctx"), "-G", rsa ? "rsa" : "ecc", "-u", p("ek.pub"));
            tool(swtpm, "tpm2_createak", "-C", p("ek.ctx"), "-c", p("ak.ctx"), "-G", "ecc", "-g", "sha256", "-s", "ecdsa",
                    "-u", p("ak.pub"), "-n", p("ak.name"));
            byte[] ekPublic = unsized(read("ek.pub"));
            AttestationVerifier.Builder builder = AttestationVerifier.builder().trustManufacturerCa(ca.certificate)
                    .clock(java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(2)));
            Optional<byte[]> ekCert = Optional.empty();
            if (rsa) {
                tool(swtpm, "tpm2_nvread", "0x1c00002", "-C", "o", "-o", p("ek.der"));
                byte[] nv = Files.readAllBytes(dir.resolve("ek.der"));
                ekCert = Optional.of(Arrays.copyOf(nv, 4 + (((nv[2] & 0xff) << 8) | (nv[3] & 0xff))));
            } else {
                // swtpm 0.7 certifies a P-384 ECC EK only: the P-256 EK is trusted through the allow-list.
                builder.allowEndorsementKey(PublicArea.parse(ekPublic).toPublicKey());
            }
            AttestationVerifier verifier = builder.build();
            AttestationEvidence request = new AttestationEvidence(ekCert, ekPublic, unsized(read("ak.pub")));
            PendingAttestation pending = verifier.challenge(request);
            assertThat(PublicArea.name(request.attestationKeyPublic())).isEqualTo(read("ak.name"));

            Files.write(dir.resolve("cred.out"), new TpmWriter().u32(CRED_MAGIC).u32(1)
                    .sized(TpmLab.sent(pending).credentialBlob()).sized(TpmLab.sent(pending).encryptedSecret()).toByteArray());
            tool(swtpm, "tpm2_startauthsession", "--policy-session", "-S", p("session.ctx"));
            swtpm.tpm2(dir, "tpm2_policysecret", "-S", p("session.ctx"), "-c", "e");
            swtpm.tpm2(dir, "tpm2_activatecredential", "-c", p("ak.ctx"), "-C", p("ek.ctx"), "-i", p("cred.out"),
                    "-o", p("activated"), "-P", "session:" + p("session.ctx"));
            tool(swtpm, "tpm2_flushcontext", p("session.ctx"));
            byte[] activated = read("activated");
            assertThat(activated).isEqualTo(pending.expectedCredential());

            tool(swtpm, "tpm2_createprimary", "-C", "o", "-c", p("primary.ctx"));
            tool(swtpm, "tpm2_create", "-C", p("primary.ctx"), "-G", "ecc256:ecdsa-sha256", "-u", p("key.pub"), "-r",
                    p("key.priv"), "-c", p("key.ctx"));
            tool(swtpm, "tpm2_certify", "-c", p("key.ctx"), "-C", p("ak.ctx"), "-g", "sha256", "-o", p("attest.out"),
                    "-s", p("sig.out"));
            byte[] attest = read("attest.out");
            byte[] keyPublic = unsized(read("key.pub"));
            checkCertification(request.attestationKeyPublic(), attest, read("sig.out"), keyPublic);

            AttestationVerdict verdict = verifier.verify(pending, new AttestationResponse(activated, attest, read("sig.out"), keyPublic));
            assertThat(verdict).isEqualTo(new AttestationVerdict.Refused(AttestationRefusal.REPLAYED,
                    "certification was made for another challenge's nonce"));
        }
    }

    @ParameterizedTest
    @EnumSource(EndorsementKeyType.class)
    void ourAgentActivatesTheCredentialTpm2MakecredentialMade(EndorsementKeyType type) throws Exception {
        try (Swtpm swtpm = Swtpm.manufactured(dir.resolve("tpm"), null)) {
            TpmKeyBlob agentKey;
            AttestationEvidence request;
            TpmAttestor attestor;
            Tpm tpm = swtpm.open();
            try {
                agentKey = tpm.createSigningKey();
                attestor = new TpmAttestor(tpm, type);
                request = attestor.request();
            } finally {
                tpm.close();
            }
            Files.write(dir.resolve("ek.pub"), new TpmWriter().sized(request.endorsementKeyPublic()).toByteArray());
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Files.write(dir.resolve("secret"), secret);
            swtpm.tpm2(dir, "tpm2_makecredential", "-T", "none", "-u", p("ek.pub"), "-s", p("secret"), "-n",
                    HexFormat.of().formatHex(PublicArea.name(request.attestationKeyPublic())), "-o", p("cred.out"));

            TpmReader r = new TpmReader(read("cred.out"));
            assertThat(r.u32("magic")).isEqualTo(CRED_MAGIC);
            assertThat(r.u32("version")).isEqualTo(1);
            byte[] idObject = r.sized(1024, "credential");
            byte[] encryptedSecret = r.sized(1024, "secret");
            r.expectEnd("cred.out");

            try (Tpm again = swtpm.open()) {
                TpmAttestor same = attestorFor(again, attestor);
                AttestationResponse response = same.respond(new AttestationChallenge(new byte[] {1}, idObject, encryptedSecret, new byte[32],
                        Instant.EPOCH), agentKey);
                assertThat(response.activatedCredential()).isEqualTo(secret);
            }
        }
    }

    /** The attestor's AK blob, on a new connection to the same TPM. */
    private static TpmAttestor attestorFor(Tpm tpm, TpmAttestor original) {
        return original.reconnected(tpm);
    }

    /** What the verifier checks, applied by hand to tpm2-tools' output. */
    static void checkCertification(byte[] akPublic, byte[] attest, byte[] signature, byte[] keyPublic) throws Exception {
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initVerify(PublicArea.parse(akPublic).toPublicKey());
        ecdsa.update(attest);
        assertThat(ecdsa.verify(Attest.ecdsaSignatureToDer(signature))).isTrue();
        Attest parsed = Attest.parseCertify(attest);
        PublicArea key = PublicArea.parse(keyPublic);
        assertThat(parsed.certifiedName()).isEqualTo(key.name());
        assertThat(parsed.qualifiedSigner()).hasSize(34);
        assertThat(key.has(com.heartbeatrm.tpm.internal.Tpm2.FIXED_TPM | com.heartbeatrm.tpm.internal.Tpm2.FIXED_PARENT)).isTrue();
    }

    private void tool(Swtpm swtpm, String... command) throws Exception {
        swtpm.tpm2(dir, command);
        // swtpm has no resource manager: tpm2-tools leaves its transient objects loaded.
        swtpm.tpm2(dir, "tpm2_flushcontext", "-t");
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private byte[] read(String name) throws Exception {
        return Files.readAllBytes(dir.resolve(name));
    }

    /** TPM2B_PUBLIC file contents without the size prefix. */
    static byte[] unsized(byte[] tpm2b) throws Exception {
        TpmReader r = new TpmReader(tpm2b);
        byte[] inner = r.sized(2048, "TPM2B");
        r.expectEnd("file");
        return inner;
    }

}
