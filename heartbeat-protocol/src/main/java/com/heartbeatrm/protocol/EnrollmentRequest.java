package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.RequestException.Problem;
import com.heartbeatrm.protocol.internal.RequestJson;
import com.heartbeatrm.protocol.internal.SignedRequest;
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
public final class EnrollmentRequest extends SignedAgentRequest {
    static final String PURPOSE = "heartbeat-enrollment-request/v1";
    private static final Set<String> FIELDS = Set.of("v", "token", "publicKey", "keyAlgorithm", "facts", "nonce", "timestamp", "proof");
    private static final Set<String> FACT_FIELDS = Set.of("hostname", "platform", "osVersion", "agentVersion", "machineFingerprint");

    private final EnrollmentToken token;
    private final AgentFacts facts;

    private EnrollmentRequest(EnrollmentToken token, AgentKeyAlgorithm algorithm, byte[] publicKey, AgentFacts facts, Proof proof) {
        super(algorithm, publicKey, proof);
        this.token = Objects.requireNonNull(token, "token");
        this.facts = Objects.requireNonNull(facts, "facts");
    }

    /** Builds and signs a request with a fresh nonce and the clock's time. */
    public static EnrollmentRequest create(EnrollmentToken token, AgentSigningKey keys, AgentFacts facts, Clock clock) {
        return create(token, keys.algorithm(), keys.publicKey(), facts, SignedRequest.newNonce(), clock.instant(), keys::sign);
    }

    /** Builds an Ed25519 request with an explicit nonce, time and signer (for other key stores, tests and benchmarks). */
    public static EnrollmentRequest create(EnrollmentToken token, byte[] publicKey, AgentFacts facts, String nonce, Instant at,
            Function<byte[], byte[]> signer) {
        return create(token, AgentKeyAlgorithm.ED25519, publicKey, facts, nonce, at, signer);
    }

    /** Builds a request for a key of {@code algorithm} with an explicit nonce, time and signer. */
    public static EnrollmentRequest create(EnrollmentToken token, AgentKeyAlgorithm algorithm, byte[] publicKey, AgentFacts facts,
            String nonce, Instant at, Function<byte[], byte[]> signer) {
        return sign(p -> new EnrollmentRequest(token, algorithm, publicKey, facts, p), nonce, at, signer);
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
        AgentKeyAlgorithm algorithm = parseAlgorithm(m);
        byte[] pub = parsePublicKey(m, algorithm);
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
        return new EnrollmentRequest(token, algorithm, pub, facts, Proof.parse(m));
    }

    @Override
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
        m.put("publicKey", publicKeyText());
        writeAlgorithm(m);
        m.put("facts", f);
        proof().writeTo(m);
        return RequestJson.write(m);
    }

    /** The bytes the proof signs. */
    @Override
    public byte[] signedBytes() {
        return proofBytes(PURPOSE, token.reveal(), publicKeyText(), facts.hostname(), facts.platform(),
                facts.osVersion(), facts.agentVersion(), facts.machineFingerprint().orElse(""), nonce(), timestampText());
    }

    public EnrollmentToken token() {
        return token;
    }

    public AgentFacts facts() {
        return facts;
    }

    @Override
    public String toString() {
        return "EnrollmentRequest[" + facts.hostname() + ", " + facts.platform() + ", token redacted]";
    }
}
