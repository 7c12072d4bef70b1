package com.heartbeatrm.benchmarks;

import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.RenewalResult;
import com.heartbeatrm.enrollment.RequestContext;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.protocol.internal.Pae;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Renewals per second on the in-memory store through {@link HeartbeatServer#renew}, on one thread, against the
 * crypto a renewal cannot avoid, measured alone in the same run: verify the agent's proof of possession (its key
 * decoded anew, as for every agent), verify the presented credential (the issuer key's point cached, as the server
 * does), sign the next credential (BouncyCastle, the real messages). On one thread, 1 ÷ the rate is the server CPU
 * per renewal without the wire and the database, so the two figures side by side say how far the pipeline is above
 * its crypto floor.
 *
 * <p>Every renewal is a distinct agent enrolled in the set-up, presenting its first credential with a fresh nonce; the
 * requests are signed before measurement (the agent's own cost is not the server's). Iterations are short, as the
 * pool of enrolled agents is finite. {@code keyAlgorithm} chooses the agents' keys (Ed25519 or ECDSA P-256); the
 * ceiling verifies the proof with the same algorithm ({@link AgentKeys#verify}).
 *
 * <p>Run: {@code java -jar heartbeat-benchmarks/target/benchmarks.jar Renewal}
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RenewalBenchmark extends ThroughputDefaults {
    private static final int POOL = 40_000;

    /** The agents' key algorithm, by its wire name. */
    @Param({"ed25519", "ecdsa-p256"})
    public String keyAlgorithm = "ed25519";

    private AgentKeyAlgorithm algorithm;

    // The crypto ceiling: the same three operations alone, on the messages of a real renewal.
    private byte[] issuerSeed;
    private byte[] issuerPublic;
    private Ed25519.PublicPoint issuerPoint;
    private byte[] credentialPae;
    private byte[] credentialSignature;
    private byte[] agentPublic;
    private byte[] proofBytes;
    private byte[] proofSignature;

    /** A server with {@code size} enrolled agents, and each one's renewal body, signed after the last enrollment. */
    static final class Agents {
        final HeartbeatServer service;
        final RequestContext context;
        final byte[][] bodies;
        final AgentKeys.Key firstKey;
        final RenewalRequest first;
        final AgentCredential firstCredential;

        Agents(int size, AgentKeyAlgorithm algorithm) throws Exception {
            BenchServer server = new BenchServer();
            service = server.service;
            context = server.context;
            EnrollmentToken token = server.token;
            bodies = new byte[size][];
            AgentKeys.Key[] keys = new AgentKeys.Key[size];
            String[] agents = new String[size];
            AgentCredential[] credentials = new AgentCredential[size];
            Instant at = Instant.now();
            for (int i = 0; i < size; i++) {
                AgentKeys.Key key = AgentKeys.generate(algorithm);
                AgentFacts facts = new AgentFacts("pc-" + i, "windows", "10.0.19045", "1.0.0", Optional.empty());
                EnrollmentRequest e = EnrollmentRequest.create(token, algorithm, key.publicKey, facts, nonce("e", i), at, key::sign);
                if (!(service.enroll(e.toJson(), new RequestContext(context.remoteAddress(), Instant.now())) instanceof EnrollmentResult.Enrolled enrolled)) {
                    throw new IllegalStateException("set-up enrollment " + i + " was not enrolled");
                }
                keys[i] = key;
                agents[i] = enrolled.agent().id().value();
                credentials[i] = enrolled.credential();
            }
            // Signed after all enrollments, so that every renewal's time is within the server's clock skew when it is sent.
            Instant now = Instant.now();
            RenewalRequest r0 = null;
            for (int i = 0; i < size; i++) {
                AgentKeys.Key key = keys[i];
                RenewalRequest r = RenewalRequest.create(agents[i], server.organizationId, algorithm, key.publicKey, Optional.of(credentials[i]),
                        nonce("r", i), now, key::sign);
                bodies[i] = r.toJson();
                r0 = i == 0 ? r : r0;
            }
            first = java.util.Objects.requireNonNull(r0);
            firstKey = keys[0];
            firstCredential = credentials[0];
        }
    }

    /** The renewal benchmark's own state: {@value #POOL} agents (the benchmark's {@code keyAlgorithm}), each renewed once. */
    @org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class Pool {
        Agents agents;
        final AtomicInteger next = new AtomicInteger();

        /**
         * Enrolls the pool.
         *
         * @param params the run's parameters: {@code keyAlgorithm}
         * @throws Exception the set-up failed
         */
        @Setup
        public void setUp(BenchmarkParams params) throws Exception {
            agents = new Agents(POOL, AgentKeys.algorithm(params.getParam("keyAlgorithm")));
        }

        /** Enrolls a pool of {@code size} agents with keys of {@code algorithm}, for a harness outside JMH. */
        void setUp(int size, AgentKeyAlgorithm algorithm) throws Exception {
            agents = new Agents(size, algorithm);
        }
    }

    @Setup
    public void setUp() throws Exception {
        algorithm = AgentKeys.algorithm(keyAlgorithm);
        Agents one = new Agents(1, algorithm);
        agentPublic = one.firstKey.publicKey;
        proofBytes = one.first.signedBytes();
        proofSignature = one.firstKey.sign(proofBytes);
        String[] parts = one.firstCredential.reveal().split("\\.");
        byte[] body = Base64.getUrlDecoder().decode(parts[2]);
        credentialPae = Pae.encode("v4.public.".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOf(body, body.length - 64),
                parts.length > 3 ? Base64.getUrlDecoder().decode(parts[3]) : new byte[0],
                "heartbeat-agent-credential/v1".getBytes(StandardCharsets.US_ASCII));
        issuerSeed = BcEd25519.generateSeed();
        issuerPublic = BcEd25519.publicKey(issuerSeed);
        issuerPoint = Ed25519.validatePublicKeyFullExport(issuerPublic, 0);
        credentialSignature = BcEd25519.sign(issuerSeed, issuerPublic, credentialPae);
    }

    private static String nonce(String kind, int i) {
        String n = kind + Integer.toString(i, 36);
        return n + "A".repeat(24 - n.length());
    }

    /** {@return whether the ceiling's three operations succeeded, once} */
    boolean cryptoOnce() {
        boolean proof = AgentKeys.verify(algorithm, agentPublic, proofBytes, proofSignature);
        boolean credential = Ed25519.verify(credentialSignature, 0, issuerPoint, credentialPae, 0, credentialPae.length);
        byte[] next = BcEd25519.sign(issuerSeed, issuerPublic, credentialPae);
        return proof && credential && next.length == 64;
    }

    @Benchmark
    @Threads(1)
    public RenewalResult renew1Thread(Pool pool) {
        return renewOne(pool);
    }

    /** {@return one renewal of the pool's next agent, checked} */
    static RenewalResult renewOne(Pool pool) {
        int i = pool.next.getAndIncrement();
        if (i >= pool.agents.bodies.length) {
            throw new IllegalStateException("request pool exhausted; raise POOL");
        }
        Agents a = pool.agents;
        RenewalResult r = a.service.renew(a.bodies[i], new RequestContext(a.context.remoteAddress(), Instant.now()));
        if (!(r instanceof RenewalResult.Renewed)) {
            throw new IllegalStateException("not renewed: " + r);
        }
        return r;
    }

    @Benchmark
    @Threads(1)
    public boolean renewalCryptoCeiling1Thread() {
        return cryptoOnce();
    }
}
