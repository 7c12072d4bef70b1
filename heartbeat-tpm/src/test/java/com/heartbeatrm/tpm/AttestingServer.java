package com.heartbeatrm.tpm;

import com.heartbeatrm.protocol.AttestationChallenge;
import com.heartbeatrm.protocol.AttestationChallengeRequest;
import com.heartbeatrm.protocol.AttestationEvidence;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.EnrollmentAttestation;
import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import com.heartbeatrm.protocol.internal.EnrollmentTokenCodec;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback stand-in for the enrollment server's attestation, for the agent side's tests: the JDK's HTTP server
 * answering {@code attestation/challenge} with {@link AttestationVerifier#challenge} (pending attestations kept in
 * memory by a random challenge id) and {@code enroll} by judging the request's attestation with
 * {@link AttestationVerifier#verify}; an attested agent is answered {@code pending} (no credential is needed to prove
 * the agent side). Renewals (polls) are answered {@code pending} when their proof verifies. It records what it saw.
 */
final class AttestingServer implements AutoCloseable {
    static final String ORG = "org_AAAAAAAAAAAAAAAAAAAAAA";
    static final String AGENT = "agt_DDDDDDDDDDDDDDDDDDDDDA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer http;
    private final AttestationVerifier verifier;
    private final KeyPair issuer;
    private final SigningPublicKey issuerPublic;
    private final Map<String, PendingAttestation> pending = new ConcurrentHashMap<>();
    final List<String> paths = new CopyOnWriteArrayList<>();
    final List<EnrollmentRequest> enrollments = new CopyOnWriteArrayList<>();
    final List<AttestationVerdict> verdicts = new CopyOnWriteArrayList<>();
    volatile boolean requireAttestation;
    /** How many challenge requests to answer {@code unavailable} (503) before serving them. */
    final java.util.concurrent.atomic.AtomicInteger unavailableChallenges = new java.util.concurrent.atomic.AtomicInteger();
    /** Answer challenge requests with a 200 whose body is not a challenge. */
    volatile boolean malformedChallenges;

    AttestingServer(AttestationVerifier verifier) throws Exception {
        this.verifier = verifier;
        this.issuer = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] spki = issuer.getPublic().getEncoded();
        this.issuerPublic = SigningPublicKey.of(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        http.createContext("/v1/", this::handle);
        http.start();
    }

    PinnedKeySet issuerKeys() {
        return PinnedKeySet.of(issuerPublic);
    }

    /** A token for this server's endpoint, signed by its issuer key, verified as an agent verifies it. */
    VerifiedEnrollmentToken token() throws Exception {
        Instant now = Instant.now();
        EnrollmentClaims claims = new EnrollmentClaims(EnrollmentClaims.FORMAT_VERSION, "https://heartbeat.example", ORG,
                "hbk_BBBBBBBBBBBBBBBBBBBBBA", "ins_CCCCCCCCCCCCCCCCCCCCCA", now.minusSeconds(5), Optional.of(now.plusSeconds(3600)),
                List.of(URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/v1/")), List.of(), Optional.empty());
        String token = EnrollmentTokenCodec.encode(claims, issuerPublic.keyId(), this::sign);
        return EnrollmentTokenVerifier.builder(issuerKeys()).build().verify(token);
    }

    private byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(issuer.getPrivate());
            s.update(message);
            return s.sign();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        paths.add(path);
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(64 * 1024);
        }
        int status;
        byte[] answer;
        try {
            Object a = switch (path) {
                case "/v1/attestation/challenge" -> challenge(body);
                case "/v1/enroll" -> enroll(body);
                case "/v1/renew" -> renew(body);
                default -> new EnrollmentResponse.Denied(DenialCode.NOT_FOUND, "no such endpoint");
            };
            if (a instanceof AttestationChallenge c) {
                status = 200;
                answer = c.toJson();
            } else {
                EnrollmentResponse r = (EnrollmentResponse) a;
                status = r.httpStatus();
                answer = r.toJson();
            }
        } catch (Exception e) {
            EnrollmentResponse.Denied d = new EnrollmentResponse.Denied(DenialCode.INVALID_REQUEST, "refused: "
                    + e.getClass().getSimpleName());
            status = 400;
            answer = d.toJson();
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private Object challenge(byte[] body) throws Exception {
        AttestationChallengeRequest r = AttestationChallengeRequest.parse(body);
        if (unavailableChallenges.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return new EnrollmentResponse.Denied(DenialCode.UNAVAILABLE, "the database is unreachable");
        }
        if (malformedChallenges) {
            return new EnrollmentResponse.Pending(new EnrollmentResponse.Placement(AGENT, ORG, "Test Org", "/"));
        }
        AttestationEvidence e = r.evidence();
        PendingAttestation p;
        try {
            p = verifier.challenge(new AttestationEvidence(e.endorsementCertificate(), e.endorsementKeyPublic(), e.attestationKeyPublic()));
        } catch (AttestationRefusedException refused) {
            return denial(refused.refusal());
        }
        byte[] id = new byte[24];
        RANDOM.nextBytes(id);
        pending.put(Base64.getUrlEncoder().encodeToString(id), p);
        return p.challenge(id, Clock.systemUTC().instant().plusSeconds(300));
    }

    private EnrollmentResponse enroll(byte[] body) throws Exception {
        EnrollmentRequest r = EnrollmentRequest.parse(body);
        enrollments.add(r);
        if (!r.proofVerifies((k, m, s) -> false)) {
            return new EnrollmentResponse.Denied(DenialCode.REJECTED, "the proof does not verify");
        }
        Optional<EnrollmentAttestation> a = r.attestation();
        if (a.isEmpty()) {
            return requireAttestation ? new EnrollmentResponse.Denied(DenialCode.ATTESTATION_REQUIRED, "the group requires TPM attestation")
                    : pendingAnswer();
        }
        PendingAttestation p = pending.get(Base64.getUrlEncoder().encodeToString(a.get().challengeId()));
        if (p == null) {
            return new EnrollmentResponse.Denied(DenialCode.REJECTED, "unknown attestation challenge");
        }
        EnrollmentAttestation at = a.get();
        AttestationVerdict v = verifier.verify(p, new AttestationResponse(at.credential(), at.certifyInfo(), at.signature(), at.keyPublic()));
        verdicts.add(v);
        if (v instanceof AttestationVerdict.Refused refused) {
            return denial(refused);
        }
        AttestationVerdict.Attested attested = (AttestationVerdict.Attested) v;
        if (!MessageDigest.isEqual(com.heartbeatrm.protocol.AgentKeyAlgorithm.sec1Of(attested.agentKey()), r.publicKey())) {
            return new EnrollmentResponse.Denied(DenialCode.ATTESTATION_INVALID, "the certified key is not the request's key");
        }
        return pendingAnswer();
    }

    private EnrollmentResponse renew(byte[] body) throws Exception {
        RenewalRequest r = RenewalRequest.parse(body);
        return r.proofVerifies((k, m, s) -> false) ? pendingAnswer() : new EnrollmentResponse.Denied(DenialCode.REJECTED, "bad proof");
    }

    private static EnrollmentResponse pendingAnswer() {
        return new EnrollmentResponse.Pending(new EnrollmentResponse.Placement(AGENT, ORG, "Test Org", "/"));
    }

    static EnrollmentResponse.Denied denial(AttestationVerdict.Refused refused) {
        DenialCode code = switch (refused.reason()) {
            case UNTRUSTED -> DenialCode.ATTESTATION_UNTRUSTED;
            case INVALID -> DenialCode.ATTESTATION_INVALID;
            case STALE -> DenialCode.ATTESTATION_STALE;
            case REPLAYED -> DenialCode.REJECTED;
        };
        return new EnrollmentResponse.Denied(code, "attestation refused");
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
