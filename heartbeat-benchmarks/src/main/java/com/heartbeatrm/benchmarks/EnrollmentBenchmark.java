package com.heartbeatrm.benchmarks;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.internal.Pae;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.RequestContext;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Threads;

/**
 * Enrollments per second on the in-memory store through {@link HeartbeatServer#enroll}, with one and two
 * threads, against the crypto an enrollment cannot avoid, measured alone in the same run: verify the token's
 * signature, verify the agent's proof of possession, sign the credential (BouncyCastle, the same message sizes).
 *
 * <p>Every enrollment is a distinct agent with its own key pair and a fresh nonce; the requests are built
 * before measurement (the agent's own cost is not the server's). {@code keyAlgorithm} chooses the agents' keys:
 * Ed25519, or ECDSA P-256 (the keys a TPM or a PKCS#11 token holds); the ceiling verifies the proof with the same
 * algorithm ({@link AgentKeys#verify}).
 *
 * <p>Run: {@code java -jar heartbeat-benchmarks/target/benchmarks.jar Enrollment}
 */
public class EnrollmentBenchmark extends ThroughputDefaults {
    /** Requests built for a run: enough for 8 iterations of 2 s at the fastest rate seen, per algorithm. */
    private static final int POOL_ED25519 = 150_000;
    private static final int POOL_P256 = 60_000;

    /** The agents' key algorithm, by its wire name. */
    @Param({"ed25519", "ecdsa-p256"})
    public String keyAlgorithm = "ed25519";

    /** How many requests the set-up builds; 0 for the algorithm's default (a harness that needs fewer sets it). */
    int pool;

    private AgentKeyAlgorithm algorithm;

    private HeartbeatServer service;
    private byte[][] bodies;
    private final AtomicInteger next = new AtomicInteger();
    private RequestContext context;

    // The crypto ceiling: the same three operations alone.
    private byte[] issuerSeed;
    private byte[] issuerPublic;
    private Ed25519.PublicPoint issuerPoint;
    private byte[] tokenPae;
    private byte[] tokenSignature;
    private byte[] agentPublic;
    private byte[] proofBytes;
    private byte[] proofSignature;
    private byte[] credentialPae;

    @Setup
    public void setUp() throws Exception {
        BenchServer server = new BenchServer();
        service = server.service;
        context = server.context;
        EnrollmentToken token = server.token;

        algorithm = AgentKeys.algorithm(keyAlgorithm);
        if (pool == 0) {
            pool = algorithm == AgentKeyAlgorithm.ED25519 ? POOL_ED25519 : POOL_P256;
        }
        bodies = new byte[pool][];
        Instant at = Instant.now();
        for (int i = 0; i < pool; i++) {
            AgentKeys.Key agent = AgentKeys.generate(algorithm);
            AgentFacts facts = new AgentFacts("pc-" + i, "windows", "10.0.19045", "1.0.0", Optional.empty());
            EnrollmentRequest r = EnrollmentRequest.create(token, algorithm, agent.publicKey, facts,
                    "nonce-" + Integer.toString(i, 36) + "-AAAAAAAAAAAAAAAA".substring(0, 17 - Integer.toString(i, 36).length()) + "A",
                    at, agent::sign);
            bodies[i] = r.toJson();
            if (i == 0) {
                agentPublic = agent.publicKey;
                proofBytes = r.signedBytes();
                proofSignature = agent.sign(proofBytes);
            }
        }
        if (!(service.enroll(bodies[next.getAndIncrement()], context) instanceof EnrollmentResult.Enrolled)) {
            throw new IllegalStateException("setup request was not enrolled: " + service.enroll(bodies[1], context));
        }

        issuerSeed = BcEd25519.generateSeed();
        issuerPublic = BcEd25519.publicKey(issuerSeed);
        issuerPoint = Ed25519.validatePublicKeyFullExport(issuerPublic, 0);
        String[] parts = token.reveal().split("\\.");
        byte[] body = Base64.getUrlDecoder().decode(parts[2]);
        tokenPae = Pae.encode("v4.public.".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOf(body, body.length - 64),
                Base64.getUrlDecoder().decode(parts[3]), "heartbeat-enrollment-token/v1".getBytes(StandardCharsets.US_ASCII));
        tokenSignature = BcEd25519.sign(issuerSeed, issuerPublic, tokenPae);
        credentialPae = new byte[330];
    }

    /** {@return one enrollment of the next pre-built request, checked} */
    EnrollmentResult enrollOne() {
        int i = next.getAndIncrement();
        if (i >= pool) {
            throw new IllegalStateException("request pool exhausted; raise POOL");
        }
        EnrollmentResult r = service.enroll(bodies[i], new RequestContext(context.remoteAddress(), Instant.now()));
        if (!(r instanceof EnrollmentResult.Enrolled)) {
            throw new IllegalStateException("not enrolled: " + r);
        }
        return r;
    }

    /** {@return whether the ceiling's three operations succeeded, once} */
    boolean cryptoOnce() {
        boolean token = Ed25519.verify(tokenSignature, 0, issuerPoint, tokenPae, 0, tokenPae.length);
        boolean proof = AgentKeys.verify(algorithm, agentPublic, proofBytes, proofSignature);
        byte[] credential = BcEd25519.sign(issuerSeed, issuerPublic, credentialPae);
        return token && proof && credential.length == 64;
    }

    @Benchmark
    @Threads(1)
    public EnrollmentResult enroll1Thread() {
        return enrollOne();
    }

    @Benchmark
    @Threads(2)
    public EnrollmentResult enroll2Threads() {
        return enrollOne();
    }

    @Benchmark
    @Threads(1)
    public boolean cryptoCeiling1Thread() {
        return cryptoOnce();
    }

    @Benchmark
    @Threads(2)
    public boolean cryptoCeiling2Threads() {
        return cryptoOnce();
    }
}
