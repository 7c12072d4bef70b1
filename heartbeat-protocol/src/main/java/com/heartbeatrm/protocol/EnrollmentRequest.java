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
    private static final Set<String> FIELDS = Set.of("v", "token", "publicKey", "facts", "nonce", "timestamp", "proof");
    private static final Set<String> FACT_FIELDS = Set.of("hostname", "platform", "osVersion", "agentVersion", "machineFingerprint");

    private final EnrollmentToken token;
    private final AgentFacts facts;

    private EnrollmentRequest(EnrollmentToken token, byte[] publicKey, AgentFacts facts, Proof proof) {
        super(publicKey, proof);
        this.token = Objects.requireNonNull(token, "token");
        this.facts = Objects.requireNonNull(facts, "facts");
    }

    /**
     * Builds and signs a request with a fresh nonce and the clock's time.
     *
     * @param token the installer's token
     * @param keys  the agent's key; signs the proof
     * @param facts what the agent reports about its host
     * @param clock stamps the request
     * @return the signed request
     */
    public static EnrollmentRequest create(EnrollmentToken token, AgentSigningKey keys, AgentFacts facts, Clock clock) {
        return create(token, keys.publicKey(), facts, SignedRequest.newNonce(), clock.instant(), keys::sign);
    }

    /**
     * Builds a request with an explicit nonce, time and signer (for other key stores, tests and benchmarks).
     *
     * @param token     the installer's token
     * @param publicKey the agent's raw 32-byte public key
     * @param facts     what the agent reports about its host
     * @param nonce     the nonce, base64url
     * @param at        the time to sign
     * @param signer    signs the proof input with the agent's key
     * @return the signed request
     */
    public static EnrollmentRequest create(EnrollmentToken token, byte[] publicKey, AgentFacts facts, String nonce, Instant at,
            Function<byte[], byte[]> signer) {
        return sign(p -> new EnrollmentRequest(token, publicKey, facts, p), nonce, at, signer);
    }

    /**
     * Parses a request body strictly; does not verify anything (the server does).
     *
     * @param body the request body, at most {@link EnrollmentProtocol#MAX_BODY_BYTES}
     * @return the request; its proof is not checked yet
     * @throws RequestException the body is not such a request
     */
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
            String detail = String.valueOf(e.getMessage());
            String field = detail.contains(":") ? detail.substring(0, detail.indexOf(':')) : "";
            throw new RequestException(Problem.INVALID_VALUE, "facts." + field, "facts." + detail);
        }
        return new EnrollmentRequest(token, pub, facts, Proof.parse(m));
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
        m.put("facts", f);
        proof().writeTo(m);
        return RequestJson.write(m);
    }

    /** {@return the bytes the proof signs} */
    @Override
    public byte[] signedBytes() {
        return SignedRequest.proofBytes(PURPOSE, token.reveal(), publicKeyText(), facts.hostname(), facts.platform(),
                facts.osVersion(), facts.agentVersion(), facts.machineFingerprint().orElse(""), nonce(), timestampText());
    }

    /** {@return the installer's token the request carries, not verified here} */
    public EnrollmentToken token() {
        return token;
    }

    /** {@return what the agent reports about its host} */
    public AgentFacts facts() {
        return facts;
    }

    @Override
    public String toString() {
        return "EnrollmentRequest[" + facts.hostname() + ", " + facts.platform() + ", token redacted]";
    }
}
