package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.RequestException.Problem;
import com.heartbeatrm.protocol.internal.RequestJson;
import com.heartbeatrm.protocol.internal.SignedRequest;
import com.heartbeatrm.protocol.internal.TextForms;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * An enrolled agent asking for its next credential (or polling while its enrollment awaits approval). It proves
 * possession of the agent key it enrolled with, over a fresh nonce and timestamp, and presents the credential it
 * holds, which tells the server its generation: a server that sees an older generation than the one it issued last
 * knows that a copy of this identity is in use elsewhere.
 *
 * <p>A renewal whose response was lost is retried with the <em>same</em> body (same nonce and timestamp): the
 * server recognises it as a retry of the renewal it already made, not as a clone.
 */
public final class RenewalRequest extends SignedAgentRequest {
    static final String PURPOSE = "heartbeat-renewal-request/v1";
    private static final Set<String> FIELDS = Set.of("v", "agentId", "organizationId", "publicKey", "keyAlgorithm", "credential", "nonce",
            "timestamp", "proof");

    private final String agentId;
    private final String organizationId;
    private final Optional<AgentCredential> credential;

    private RenewalRequest(String agentId, String organizationId, AgentKeyAlgorithm algorithm, byte[] publicKey,
            Optional<AgentCredential> credential, Proof proof) {
        super(algorithm, publicKey, proof);
        this.agentId = agentId;
        this.organizationId = organizationId;
        this.credential = Objects.requireNonNull(credential, "credential");
    }

    /**
     * A signed request with a fresh nonce and the clock's time; {@code credential} is empty while pending.
     *
     * @param agentId        the agent's id
     * @param organizationId its organization's id
     * @param keys           signs the proof
     * @param credential     the credential held; empty while pending (a poll)
     * @param clock          stamps the request
     * @return the signed request, with a fresh nonce
     */
    public static RenewalRequest create(String agentId, String organizationId, AgentSigningKey keys, Optional<AgentCredential> credential,
            Clock clock) {
        return create(agentId, organizationId, keys.algorithm(), keys.publicKey(), credential, SignedRequest.newNonce(), clock.instant(),
                keys::sign);
    }

    /**
     * An Ed25519 request with an explicit nonce, time and signer (for other key stores, tests and benchmarks).
     *
     * @param agentId        the agent's id
     * @param organizationId its organization's id
     * @param publicKey      the agent's raw 32-byte Ed25519 public key
     * @param credential     the credential held; empty while pending (a poll)
     * @param nonce          the nonce to send (a resend repeats the first one)
     * @param at             the time to sign
     * @param signer         signs the proof input with the agent's key
     * @return the signed request
     */
    public static RenewalRequest create(String agentId, String organizationId, byte[] publicKey, Optional<AgentCredential> credential,
            String nonce, Instant at, Function<byte[], byte[]> signer) {
        return create(agentId, organizationId, AgentKeyAlgorithm.ED25519, publicKey, credential, nonce, at, signer);
    }

    /**
     * A request for a key of {@code algorithm} with an explicit nonce, time and signer.
     *
     * @param agentId        the agent's id
     * @param organizationId its organization's id
     * @param algorithm      the agent key's algorithm; fixes the public key's and the signature's encodings
     * @param publicKey      the agent's public key in {@code algorithm}'s encoding
     * @param credential     the credential held; empty while pending (a poll)
     * @param nonce          the nonce to send (a resend repeats the first one)
     * @param at             the time to sign
     * @param signer         signs the proof input with the agent's key, in {@code algorithm}'s signature encoding
     * @return the signed request
     */
    public static RenewalRequest create(String agentId, String organizationId, AgentKeyAlgorithm algorithm, byte[] publicKey,
            Optional<AgentCredential> credential, String nonce, Instant at, Function<byte[], byte[]> signer) {
        if (!TextForms.isId(agentId, "agt") || !TextForms.isId(organizationId, "org")) {
            throw new IllegalArgumentException("agentId and organizationId must be well-formed ids");
        }
        return sign(p -> new RenewalRequest(agentId, organizationId, algorithm, publicKey, credential, p), nonce, at, signer);
    }

    /**
     * Parses a request body strictly; does not verify anything (the server does).
     *
     * @param body the request body, at most {@link EnrollmentProtocol#MAX_BODY_BYTES}
     * @return the request; its proof is not checked yet
     * @throws RequestException the body is not such a request
     */
    public static RenewalRequest parse(byte[] body) throws RequestException {
        Map<String, Object> m = RequestJson.parse(body, FIELDS);
        RequestJson.version(m);
        String agent = RequestJson.string(m, "agentId");
        if (!TextForms.isId(agent, "agt")) {
            throw new RequestException(Problem.INVALID_VALUE, "agentId", "agentId is malformed");
        }
        String org = RequestJson.string(m, "organizationId");
        if (!TextForms.isId(org, "org")) {
            throw new RequestException(Problem.INVALID_VALUE, "organizationId", "organizationId is malformed");
        }
        AgentKeyAlgorithm algorithm = parseAlgorithm(m);
        byte[] pub = parsePublicKey(m, algorithm);
        Optional<AgentCredential> credential;
        try {
            credential = RequestJson.optionalString(m, "credential").map(AgentCredential::of);
        } catch (IllegalArgumentException e) {
            throw new RequestException(Problem.INVALID_VALUE, "credential", "credential is not an agent credential");
        }
        return new RenewalRequest(agent, org, algorithm, pub, credential, Proof.parse(m));
    }

    @Override
    public byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", EnrollmentProtocol.VERSION);
        m.put("agentId", agentId);
        m.put("organizationId", organizationId);
        m.put("publicKey", publicKeyText());
        writeAlgorithm(m);
        m.put("credential", credential.map(AgentCredential::reveal));
        proof().writeTo(m);
        return RequestJson.write(m);
    }

    /**
     * The bytes the proof signs: PAE of the purpose, agent id, organization id, public key, credential (or empty),
     * nonce, time, and for a P-256 key its algorithm's name.
     */
    @Override
    public byte[] signedBytes() {
        return proofBytes(PURPOSE, agentId, organizationId, publicKeyText(), credential.map(AgentCredential::reveal).orElse(""),
                nonce(), timestampText());
    }

    /** {@return the id of the agent renewing} */
    public String agentId() {
        return agentId;
    }

    /** {@return the id of its organization} */
    public String organizationId() {
        return organizationId;
    }

    /** {@return the credential the agent holds now; empty while its enrollment is pending} */
    public Optional<AgentCredential> credential() {
        return credential;
    }

    @Override
    public String toString() {
        return "RenewalRequest[" + agentId + ", credential " + (credential.isPresent() ? "redacted" : "none") + "]";
    }
}
