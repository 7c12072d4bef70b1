package com.heartbeatrm.benchmarks;

import com.heartbeatrm.agent.CustodyKey;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AttestationRequirement;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.EndpointRequest;
import com.heartbeatrm.enrollment.EndpointResponse;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import com.heartbeatrm.protocol.AttestationChallenge;
import com.heartbeatrm.protocol.AttestationChallengeRequest;
import com.heartbeatrm.protocol.AttestationEvidence;
import com.heartbeatrm.protocol.EnrollmentAttestation;
import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.internal.Pae;
import com.heartbeatrm.tpm.Tpm;
import com.heartbeatrm.tpm.TpmEnrollmentAttestor;
import com.heartbeatrm.tpm.TpmKeyCustody;
import com.heartbeatrm.tpm.internal.Attest;
import com.heartbeatrm.tpm.internal.PublicArea;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The whole server side of a TPM-attested enrollment, on the in-memory store, against the crypto it cannot skip, in the
 * same run.
 *
 * <p>{@code attestedEnrollment} is what the two HTTP requests of an attested enrollment cost the server: {@code POST
 * attestation/challenge} through {@link HeartbeatServer#endpoint()} (the token checked, the EK certificate validated
 * against the organization's trusted CA, MakeCredential, the challenge sealed under the key-encryption key), then
 * {@link HeartbeatServer#enroll} of a request carrying the {@code attestation} member (the sealed challenge opened,
 * the credential and the TPM's certification of the P-256 agent key verified, the proof of possession verified, the
 * agent stored and its credential signed). The group requires {@code attestation=tpm}; the organization trusts the
 * CA that issued the swtpm's EK certificate.
 *
 * <p>Pre-built evidence: the server seals a fresh nonce into every challenge, so the set-up asks the server for as
 * many challenges as the run will enroll, has a real swtpm answer each (a new agent key in the TPM, the credential
 * activated, the key certified over the nonce) and keeps the enrollment bodies. The measured operation asks one more
 * challenge (whose answer it never uses: the server's work for it is the same) and enrolls the next pre-built body.
 * The server runs on a fixed clock, a few seconds after the EK certificate was issued, so the bodies do not age while
 * the set-up answers hundreds of challenges; nothing else about the server differs.
 *
 * <p>{@code ceiling} is the public-key work no attested enrollment avoids: the token's Ed25519 signature verified
 * twice (the challenge and the enrollment each prove their token), the EK certificate's RSA signature, the RSA-OAEP
 * encryption of the credential seed to the EK, the ECDSA P-256 verification of the TPM's certification, the agent's
 * ECDSA P-256 proof of possession (its key decoded anew) and the credential's Ed25519 signature.
 *
 * <p>The pool of answers is finite, so each iteration is one batch of {@value #BATCH} operations timed whole
 * (single-shot); the score is the time of one batch (divide by {@value #BATCH} for one operation). Fifteen warm-up
 * batches: with five, the wall-clock time was still falling in the measured ones. Needs swtpm, swtpm_setup, swtpm_localca and openssl on the PATH.
 * Run: {@code java -jar heartbeat-benchmarks/target/benchmarks.jar AttestedEnrollment} (do not change the iteration
 * counts or batch size on the command line beyond the pool: the pool is sized from them).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 15, batchSize = AttestedEnrollmentBenchmark.BATCH)
@Measurement(iterations = 5, batchSize = AttestedEnrollmentBenchmark.BATCH)
@Fork(1)
public class AttestedEnrollmentBenchmark {
    static final int BATCH = 100;
    static final InetAddress ADDRESS = address();

    private AttestationEvidence evidence;
    private X509Certificate ekCertificate;
    private PublicKey caKey;
    private PublicKey ekKey;
    private PublicKey akKey;
    private byte[] certifyInfo;
    private byte[] certifySignatureDer;
    private byte[] agentPublic;
    private byte[] proofBytes;
    private byte[] proofSignature;
    private byte[] issuerSeed;
    private byte[] issuerPublic;
    private Ed25519.PublicPoint issuerPoint;
    private byte[] tokenPae;
    private byte[] tokenSignature;
    private byte[] credentialPae;

    private static InetAddress address() {
        try {
            return InetAddress.getByName("203.0.113.7");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server whose group requires TPM attestation, and {@code size} attested enrollment bodies a swtpm answered. */
    static final class Attested {
        final HeartbeatServer server;
        final byte[] challengeBody;
        final byte[][] bodies;
        final AtomicInteger next = new AtomicInteger();
        final X509Certificate ca;
        final EnrollmentToken token;
        final AttestationEvidence evidence;
        final EnrollmentAttestation firstAnswer;
        final EnrollmentRequest first;
        final byte[] firstProofSignature;

        Attested(int size) throws Exception {
            Actor actor = Actor.of("bench");
            bodies = new byte[size][];
            try (SwtpmLab lab = new SwtpmLab()) {
                ca = lab.caCertificate;
                // After manufacturing: the EK certificate is valid from the second it was issued.
                Clock clock = Clock.fixed(Instant.now().plusSeconds(2), ZoneOffset.UTC);
                server = HeartbeatServer.builder(new InMemoryHeartbeatStore(), AesGcmKeyEncryptionKey.generate("bench"), "https://heartbeat.example")
                        .clock(clock).endpoints(List.of(URI.create("https://heartbeat.example/v1/"))).build();
                server.signingKeys().ensureActiveKey();
                var admin = server.admin();
                NewOrganization org = admin.organizations().setUp(actor, "Bench");
                Group group = admin.groups().create(actor, org.id(), org.rootGroup().id(), "Customer A");
                admin.groups().setOverride(actor, org.id(), group.id(), SecuritySetting.ATTESTATION, AttestationRequirement.TPM);
                AccessKey key = admin.accessKeys().create(actor, org.id(), AccessKeySpec.builder("k", group.id()).build());
                admin.attestation().trustCa(org.id(), actor, ca.getEncoded());
                token = server.installers().issueToken(actor, org.id(), key.id(), InstallerRequest.DEFAULTS).token();
                EnrollmentAttestation answer0 = null;
                EnrollmentRequest request0 = null;
                byte[] signature0 = null;
                try (Tpm tpm = lab.open()) {
                    TpmKeyCustody custody = new TpmKeyCustody(tpm);
                    TpmEnrollmentAttestor attestor = new TpmEnrollmentAttestor(tpm);
                    evidence = attestor.begin();
                    challengeBody = new AttestationChallengeRequest(token, evidence).toJson();
                    for (int i = 0; i < size; i++) {
                        AttestationChallenge challenge = AttestationChallenge.parse(challenge(server, challengeBody).body());
                        CustodyKey agent = custody.generate();
                        EnrollmentAttestation answer = attestor.answer(challenge, agent);
                        // No machine fingerprint, as in the other benchmarks: the in-memory store finds an attested
                        // agent's earlier TPMs on the same machine by scanning the organization's agents, which would
                        // make this figure grow with the pool (a database answers from an index).
                        AgentFacts facts = new AgentFacts("pc-" + i, "linux", "6.8", "1.0.0", Optional.empty());
                        EnrollmentRequest r = EnrollmentRequest.create(token, agent.algorithm(), agent.publicKey(), facts, Optional.of(answer),
                                nonce(i), clock.instant(), agent::sign);
                        bodies[i] = r.toJson();
                        if (i == 0) {
                            answer0 = answer;
                            request0 = r;
                            signature0 = agent.sign(r.signedBytes());
                        }
                    }
                }
                firstAnswer = java.util.Objects.requireNonNull(answer0);
                first = java.util.Objects.requireNonNull(request0);
                firstProofSignature = java.util.Objects.requireNonNull(signature0);
            }
        }

        /** {@return one attested enrollment's server work: a challenge, then the next pre-built enrollment, both checked} */
        EnrollmentResult enrollOne() {
            int i = next.getAndIncrement();
            if (i >= bodies.length) {
                throw new IllegalStateException("pool of attested enrollments exhausted");
            }
            challenge(server, challengeBody);
            EnrollmentResult r = server.enroll(bodies[i], server.contextFor(ADDRESS));
            if (!(r instanceof EnrollmentResult.Enrolled e) || e.agent().attestation().isEmpty()) {
                throw new IllegalStateException("not enrolled with attestation: " + r);
            }
            return r;
        }

        private static EndpointResponse challenge(HeartbeatServer server, byte[] body) {
            EndpointResponse r = server.endpoint().handle(new EndpointRequest("POST", EnrollmentProtocol.CHALLENGE_PATH, body, ADDRESS));
            if (r.status() != 200) {
                throw new IllegalStateException("challenge refused: " + r.status() + " " + new String(r.body(), StandardCharsets.UTF_8));
            }
            return r;
        }

        private static String nonce(int i) {
            String n = "att" + Integer.toString(i, 36);
            return n + "A".repeat(24 - n.length());
        }
    }

    /** The attested enrollments of a run: as many as its warm-up and measured batches take. */
    @State(Scope.Benchmark)
    public static class Pool {
        Attested attested;

        /**
         * Answers the run's challenges with a swtpm.
         *
         * @param params the run's iteration counts and batch sizes
         * @throws Exception the set-up failed
         */
        @Setup
        public void setUp(BenchmarkParams params) throws Exception {
            int size = params.getWarmup().getCount() * params.getWarmup().getBatchSize()
                    + params.getMeasurement().getCount() * params.getMeasurement().getBatchSize();
            attested = new Attested(size * params.getThreads());
        }

        /** Answers {@code size} challenges, for a harness outside JMH. */
        void setUp(int size) throws Exception {
            attested = new Attested(size);
        }
    }

    /**
     * The ceiling's inputs, from one real attested enrollment.
     *
     * @throws Exception the set-up failed
     */
    @Setup
    public void setUp() throws Exception {
        Attested one = new Attested(1);
        if (!(one.enrollOne() instanceof EnrollmentResult.Enrolled)) {
            throw new IllegalStateException("the pre-built attested enrollment was refused");
        }
        evidence = one.evidence;
        ekCertificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(evidence.endorsementCertificate().orElseThrow()));
        caKey = one.ca.getPublicKey();
        ekKey = ekCertificate.getPublicKey();
        akKey = PublicArea.parse(evidence.attestationKeyPublic()).toPublicKey();
        certifyInfo = one.firstAnswer.certifyInfo();
        certifySignatureDer = Attest.ecdsaSignatureToDer(one.firstAnswer.signature());
        agentPublic = one.first.publicKey();
        proofBytes = one.first.signedBytes();
        proofSignature = one.firstProofSignature;

        issuerSeed = BcEd25519.generateSeed();
        issuerPublic = BcEd25519.publicKey(issuerSeed);
        issuerPoint = Ed25519.validatePublicKeyFullExport(issuerPublic, 0);
        String[] parts = one.token.reveal().split("\\.");
        byte[] body = Base64.getUrlDecoder().decode(parts[2]);
        tokenPae = Pae.encode("v4.public.".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOf(body, body.length - 64),
                Base64.getUrlDecoder().decode(parts[3]), "heartbeat-enrollment-token/v1".getBytes(StandardCharsets.US_ASCII));
        tokenSignature = BcEd25519.sign(issuerSeed, issuerPublic, tokenPae);
        credentialPae = new byte[330];
        if (!ceiling()) {
            throw new IllegalStateException("ceiling does not verify");
        }
    }

    @Benchmark
    public EnrollmentResult attestedEnrollment(Pool pool) {
        return pool.attested.enrollOne();
    }

    @Benchmark
    public boolean ceiling() throws Exception {
        boolean challengeToken = Ed25519.verify(tokenSignature, 0, issuerPoint, tokenPae, 0, tokenPae.length);
        ekCertificate.verify(caKey);
        Cipher oaep = Cipher.getInstance("RSA/ECB/OAEPPadding");
        oaep.init(Cipher.ENCRYPT_MODE, ekKey, new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                new PSource.PSpecified("IDENTITY\0".getBytes(StandardCharsets.US_ASCII))));
        byte[] seed = oaep.doFinal(new byte[32]);
        boolean enrollToken = Ed25519.verify(tokenSignature, 0, issuerPoint, tokenPae, 0, tokenPae.length);
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initVerify(akKey);
        ecdsa.update(certifyInfo);
        boolean certified = ecdsa.verify(certifySignatureDer);
        boolean proof = AgentKeys.verify(AgentKeyAlgorithm.ECDSA_P256, agentPublic, proofBytes, proofSignature);
        byte[] credential = BcEd25519.sign(issuerSeed, issuerPublic, credentialPae);
        return challengeToken && seed.length == 256 && enrollToken && certified && proof && credential.length == 64;
    }
}
