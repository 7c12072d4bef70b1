package com.heartbeatrm.agent;

import com.heartbeatrm.agent.RequestException.Problem;
import com.heartbeatrm.agent.internal.Base64Url;
import com.heartbeatrm.agent.internal.RequestJson;
import com.heartbeatrm.agent.internal.SignedRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What a new agent sends to enroll: its installer's token, its own public key, facts about the computer, and a
 * proof of possession: its signature, over all of that plus a fresh nonce and timestamp, with the private key
 * that matches the public key. The proof binds the request to this agent and this token, so a captured request
 * cannot enroll anyone else and cannot be replayed. Transport-neutral JSON; at most
 * {@link EnrollmentProtocol#MAX_BODY_BYTES}.
 */
public final class EnrollmentRequest {
    static final String PURPOSE = "heartbeat-enrollment-request/v1";
    private static final Set<String> FIELDS = Set.of("v", "token", "publicKey", "facts", "nonce", "timestamp", "proof");
    private static final Set<String> FACT_FIELDS = Set.of("hostname", "platform", "osVersion", "agentVersion", "machineFingerprint");

    private final EnrollmentToken token;
    private final byte[] publicKey;
    private final AgentFacts facts;
    private final String nonce;
    private final String timestampText;
    private final Instant timestamp;
    private final byte[] proof;

    private EnrollmentRequest(EnrollmentToken token, byte[] publicKey, AgentFacts facts, String nonce, String timestampText,
            Instant timestamp, byte[] proof) {
        this.token = token;
        this.publicKey = publicKey;
        this.facts = facts;
        this.nonce = nonce;
        this.timestampText = timestampText;
        this.timestamp = timestamp;
        this.proof = proof;
    }

    /** Builds and signs a request with a fresh nonce and the clock's time. */
    public static EnrollmentRequest create(EnrollmentToken token, AgentKeyPair keys, AgentFacts facts, Clock clock) {
        return create(token, keys.publicKey(), facts, SignedRequest.newNonce(), clock.instant(), keys::sign);
    }

    /** Builds a request with an explicit nonce, time and signer (for other key stores, tests and benchmarks). */
    public static EnrollmentRequest create(EnrollmentToken token, byte[] publicKey, AgentFacts facts, String nonce, Instant at,
            Function<byte[], byte[]> signer) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(facts, "facts");
        if (publicKey == null || publicKey.length != 32) {
            throw new IllegalArgumentException("publicKey: 32 bytes");
        }
        String ts = at.toString();
        EnrollmentRequest unsigned = new EnrollmentRequest(token, publicKey.clone(), facts, nonce, ts, at, new byte[0]);
        byte[] proof = signer.apply(unsigned.signedBytes());
        return new EnrollmentRequest(token, publicKey.clone(), facts, nonce, ts, at, proof);
    }

    /** Parses a request body strictly; does not verify anything (the server does). */
    public static EnrollmentRequest parse(byte[] body) throws RequestException {
        Map<String, Object> m = RequestJson.parse(body, FIELDS);
        RequestJson.version(m);
        String tokenText = RequestJson.string(m, "token");
        EnrollmentToken token;
        try {
            token = EnrollmentToken.of(tokenText);
        } catch (IllegalArgumentException e) {
            throw new RequestException(Problem.INVALID_VALUE, "token", "token: " + e.getMessage());
        }
        byte[] pub = SignedRequest.bytes("publicKey", RequestJson.string(m, "publicKey"), 32, 32);
        Map<String, Object> f = RequestJson.object(m, "facts", FACT_FIELDS);
        AgentFacts facts;
        try {
            facts = new AgentFacts(RequestJson.string(f, "hostname"), RequestJson.string(f, "platform"),
                    RequestJson.string(f, "osVersion"), RequestJson.string(f, "agentVersion"),
                    RequestJson.optionalString(f, "machineFingerprint"));
        } catch (RequestException e) {
            throw new RequestException(e.problem(), "facts." + e.field().orElse(""), e.getMessage());
        } catch (IllegalArgumentException e) {
            String field = e.getMessage().contains(":") ? e.getMessage().substring(0, e.getMessage().indexOf(':')) : "";
            throw new RequestException(Problem.INVALID_VALUE, "facts." + field, "facts." + e.getMessage());
        }
        String nonce = RequestJson.string(m, "nonce");
        SignedRequest.bytes("nonce", nonce, 16, 64);
        String ts = RequestJson.string(m, "timestamp");
        Instant at = SignedRequest.timestamp("timestamp", ts);
        byte[] proof = SignedRequest.bytes("proof", RequestJson.string(m, "proof"), 64, 64);
        return new EnrollmentRequest(token, pub, facts, nonce, ts, at, proof);
    }

    public byte[] toJson() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("hostname", facts.hostname());
        f.put("platform", facts.platform());
        f.put("osVersion", facts.osVersion());
        f.put("agentVersion", facts.agentVersion());
        f.put("machineFingerprint", facts.machineFingerprint());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", EnrollmentProtocol.VERSION);
        m.put("token", token.reveal());
        m.put("publicKey", Base64Url.encode(publicKey));
        m.put("facts", f);
        m.put("nonce", nonce);
        m.put("timestamp", timestampText);
        m.put("proof", Base64Url.encode(proof));
        return RequestJson.write(m);
    }

    /** The bytes the proof signs. */
    public byte[] signedBytes() {
        return SignedRequest.proofBytes(PURPOSE, token.reveal(), Base64Url.encode(publicKey), facts.hostname(), facts.platform(),
                facts.osVersion(), facts.agentVersion(), facts.machineFingerprint().orElse(""), nonce, timestampText);
    }

    /** True when the proof is a valid signature by the request's own public key. */
    public boolean proofVerifies(Ed25519Verifier verifier) {
        return verifier.verify(publicKey, signedBytes(), proof);
    }

    public EnrollmentToken token() {
        return token;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public String publicKeyFingerprint() {
        return AgentKeyPair.fingerprintOf(publicKey);
    }

    public AgentFacts facts() {
        return facts;
    }

    public String nonce() {
        return nonce;
    }

    public Instant timestamp() {
        return timestamp;
    }

    @Override
    public String toString() {
        return "EnrollmentRequest[" + facts.hostname() + ", " + facts.platform() + ", token redacted]";
    }
}
