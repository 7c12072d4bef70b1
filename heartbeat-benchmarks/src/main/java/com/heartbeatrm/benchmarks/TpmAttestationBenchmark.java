package com.heartbeatrm.benchmarks;

import com.heartbeatrm.protocol.AttestationEvidence;
import com.heartbeatrm.tpm.AttestationResponse;
import com.heartbeatrm.tpm.AttestationVerdict;
import com.heartbeatrm.tpm.AttestationVerifier;
import com.heartbeatrm.tpm.PendingAttestation;
import com.heartbeatrm.tpm.Tpm;
import com.heartbeatrm.tpm.TpmAttestor;
import com.heartbeatrm.tpm.TpmKeyBlob;
import com.heartbeatrm.tpm.TpmTcti;
import com.heartbeatrm.tpm.internal.Attest;
import com.heartbeatrm.tpm.internal.PublicArea;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
        Path dir = Files.createTempDirectory("hb-tpm-bench");
        try {
            Path ca = Files.createDirectories(dir.resolve("ca"));
            run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca.resolve("signkey.pem").toString(),
                    "-out", ca.resolve("issuercert.pem").toString(), "-days", "30", "-subj", "/CN=Benchmark TPM CA",
                    "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            Files.writeString(ca.resolve("certserial"), "1\n");
            Files.writeString(dir.resolve("localca.conf"), "statedir = " + ca + "\nsigningkey = " + ca.resolve("signkey.pem")
                    + "\nissuercert = " + ca.resolve("issuercert.pem") + "\ncertserial = " + ca.resolve("certserial") + "\n");
            Files.writeString(dir.resolve("localca.options"), "--platform-manufacturer bench\n--platform-version 2.1\n--platform-model bench\n");
            Files.writeString(dir.resolve("setup.conf"), "create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = "
                    + dir.resolve("localca.conf") + "\ncreate_certs_tool_options = " + dir.resolve("localca.options")
                    + "\nactive_pcr_banks = sha256\n");
            Path state = Files.createDirectories(dir.resolve("state"));
            run(dir, "swtpm_setup", "--tpm2", "--tpmstate", state.toString(), "--createek", "--create-ek-cert",
                    "--config", dir.resolve("setup.conf").toString(), "--overwrite");
            X509Certificate caCert;
            try (InputStream in = Files.newInputStream(ca.resolve("issuercert.pem"))) {
                caCert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            int port = freePortPair();
            Process swtpm = new ProcessBuilder("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state,
                    "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                    "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1", "--flags", "not-need-init,startup-clear")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("swtpm.log").toFile()).start();
            try {
                awaitListening(port, swtpm);
                Clock clock = Clock.fixed(Instant.now().plusSeconds(5), ZoneOffset.UTC);
                verifier = AttestationVerifier.builder().trustManufacturerCa(caCert).clock(clock)
                        .random(new FixedRandom()).build();
                try (Tpm tpm = Tpm.open(TpmTcti.swtpm("127.0.0.1", port), Duration.ofSeconds(10))) {
                    TpmKeyBlob agentKey = tpm.createSigningKey();
                    TpmAttestor attestor = new TpmAttestor(tpm);
                    request = attestor.request();
                    PendingAttestation pending = verifier.challenge(request);
                    response = attestor.respond(pending.challenge(new byte[] {1}, Instant.EPOCH), agentKey);
                }
            } finally {
                swtpm.destroy();
                swtpm.waitFor(5, TimeUnit.SECONDS);
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
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
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

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                .redirectOutput(dir.resolve(command[0] + ".log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(command[0] + " failed: " + Files.readString(dir.resolve(command[0] + ".log")));
        }
    }

    private static int freePortPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket a = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                int p = a.getLocalPort();
                try {
                    new ServerSocket(p + 1, 1, java.net.InetAddress.getLoopbackAddress()).close();
                    return p;
                } catch (IOException taken) {
                    // another pair
                }
            }
        }
        throw new IOException("no free loopback port pair");
    }

    private static void awaitListening(int port, Process swtpm) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && swtpm.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IOException("swtpm did not listen on " + port);
    }
}
