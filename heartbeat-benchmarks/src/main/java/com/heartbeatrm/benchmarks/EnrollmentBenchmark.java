package com.heartbeatrm.benchmarks;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.internal.Pae;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.RequestContext;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Threads;

/**
 * Enrollments per second on the in-memory store through {@link HeartbeatServer#enroll}, with one and two
 * threads, against the crypto an enrollment cannot avoid, measured alone in the same run: verify the token's
 * signature, verify the agent's proof of possession, sign the credential (BouncyCastle, the same message sizes).
 *
 * <p>Every enrollment is a distinct agent with its own key pair and a fresh nonce; the requests are built
 * before measurement (the agent's own cost is not the server's).
 *
 * <p>Run: {@code java -jar heartbeat-benchmarks/target/benchmarks.jar Enrollment}
 */
public class EnrollmentBenchmark extends ThroughputDefaults {
    private static final int POOL = 150_000;

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

        bodies = new byte[POOL][];
        Instant at = Instant.now();
        for (int i = 0; i < POOL; i++) {
            byte[] seed = BcEd25519.generateSeed();
            byte[] pub = BcEd25519.publicKey(seed);
            AgentFacts facts = new AgentFacts("pc-" + i, "windows", "10.0.19045", "1.0.0", Optional.empty());
            EnrollmentRequest r = EnrollmentRequest.create(token, pub, facts, "nonce-" + Integer.toString(i, 36) + "-AAAAAAAAAAAAAAAA".substring(0, 17 - Integer.toString(i, 36).length()) + "A",
                    at, m -> BcEd25519.sign(seed, pub, m));
            bodies[i] = r.toJson();
            if (i == 0) {
                agentPublic = pub;
                proofBytes = r.signedBytes();
                proofSignature = BcEd25519.sign(seed, pub, proofBytes);
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

    private EnrollmentResult enrollOne() {
        int i = next.getAndIncrement();
        if (i >= POOL) {
            throw new IllegalStateException("request pool exhausted; raise POOL");
        }
        EnrollmentResult r = service.enroll(bodies[i], new RequestContext(context.remoteAddress(), Instant.now()));
        if (!(r instanceof EnrollmentResult.Enrolled)) {
            throw new IllegalStateException("not enrolled: " + r);
        }
        return r;
    }

    private boolean cryptoOnce() {
        boolean token = Ed25519.verify(tokenSignature, 0, issuerPoint, tokenPae, 0, tokenPae.length);
        boolean proof = Ed25519.verify(proofSignature, 0, agentPublic, 0, proofBytes, 0, proofBytes.length);
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
