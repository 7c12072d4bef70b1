package com.heartbeatrm.benchmarks;

import com.heartbeatrm.protocol.AttestationEvidence;
import com.heartbeatrm.tpm.AttestationResponse;
import com.heartbeatrm.tpm.AttestationVerdict;
import com.heartbeatrm.tpm.AttestationVerifier;
import com.heartbeatrm.tpm.PendingAttestation;
import com.heartbeatrm.tpm.Tpm;
import com.heartbeatrm.tpm.TpmAttestor;
import com.heartbeatrm.tpm.TpmKeyBlob;
import com.heartbeatrm.tpm.internal.Attest;
import com.heartbeatrm.tpm.internal.PublicArea;
import java.io.ByteArrayInputStream;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The server's side of a TPM-attested enrollment, evidence pre-built by a real swtpm (EK certificate from a CA made
 * with openssl, attestation key, agent key certified over the nonce), against its crypto ceiling in the same run.
 *
 * <p>{@code attest} is {@link AttestationVerifier#challenge} (EK certificate chain, attributes, MakeCredential:
 * RSA-OAEP, KDFa, AES-CFB, HMAC) then {@link AttestationVerifier#verify} (ECDSA over the TPMS_ATTEST, parsing, names,
 * attributes). The verifier's random source is fixed so that every challenge has the nonce and credential the
 * pre-built answer carries. {@code ceiling} is the two signature verifications no verifier can skip (the EK
 * certificate's RSA signature and the attestation's ECDSA); {@code ceilingWithOaep} adds the RSA-OAEP encryption of
 * the credential seed to the EK, the third public-key operation.
 *
 * <p>Needs swtpm, swtpm_setup, swtpm_localca and openssl on the PATH. Run:
 * {@code java -jar heartbeat-benchmarks/target/benchmarks.jar TpmAttestation}
 */
public class TpmAttestationBenchmark extends ThroughputDefaults {
    private AttestationVerifier verifier;
    private AttestationEvidence request;
    private AttestationResponse response;
    private X509Certificate ekCertificate;
    private PublicKey caKey;
    private PublicKey akKey;
    private PublicKey ekKey;
    private byte[] attest;
    private byte[] signatureDer;

    /** Every byte the same: each challenge gets the same nonce, credential and seed. Benchmark use only. */
    static final class FixedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;

        @Override
        public void nextBytes(byte[] bytes) {
            Arrays.fill(bytes, (byte) 0x5a);
        }
    }

    @Setup
    public void setUp() throws Exception {
        X509Certificate caCert;
        try (SwtpmLab lab = new SwtpmLab()) {
            caCert = lab.caCertificate;
            Clock clock = Clock.fixed(Instant.now().plusSeconds(5), ZoneOffset.UTC);
            verifier = AttestationVerifier.builder().trustManufacturerCa(caCert).clock(clock)
                    .random(new FixedRandom()).build();
            try (Tpm tpm = lab.open()) {
                TpmKeyBlob agentKey = tpm.createSigningKey();
                TpmAttestor attestor = new TpmAttestor(tpm);
                request = attestor.request();
                PendingAttestation pending = verifier.challenge(request);
                response = attestor.respond(pending.challenge(new byte[] {1}, Instant.EPOCH), agentKey);
            }
        }
        if (!(attest() instanceof AttestationVerdict.Attested)) {
            throw new IllegalStateException("the pre-built evidence does not verify: " + attest());
        }
        ekCertificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(request.endorsementCertificate().orElseThrow()));
        caKey = caCert.getPublicKey();
        ekKey = ekCertificate.getPublicKey();
        akKey = PublicArea.parse(request.attestationKeyPublic()).toPublicKey();
        attest = response.certifyInfo();
        signatureDer = Attest.ecdsaSignatureToDer(response.signature());
        if (!ceiling() || ceilingWithOaep().length != 256) {
            throw new IllegalStateException("ceiling does not verify");
        }
    }

    @Benchmark
    public AttestationVerdict attest() throws Exception {
        return verifier.verify(verifier.challenge(request), response);
    }

    @Benchmark
    public boolean ceiling() throws Exception {
        ekCertificate.verify(caKey);
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initVerify(akKey);
        ecdsa.update(attest);
        return ecdsa.verify(signatureDer);
    }

    @Benchmark
    public byte[] ceilingWithOaep() throws Exception {
        if (!ceiling()) {
            throw new IllegalStateException();
        }
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
        oaep.init(Cipher.ENCRYPT_MODE, ekKey, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                new PSource.PSpecified("IDENTITY\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        return oaep.doFinal(new byte[32]);
    }
}
