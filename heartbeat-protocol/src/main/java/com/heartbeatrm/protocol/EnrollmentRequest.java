package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.RequestException.Problem;
import com.heartbeatrm.protocol.internal.RequestJson;
import com.heartbeatrm.protocol.internal.SignedRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What a new agent sends to enroll: its installer's token, its own public key, facts about the computer, and a
 * proof of possession: its signature, over all of that plus a fresh nonce and timestamp, with the private key
 * that matches the public key. A TPM-attested request also carries an {@link EnrollmentAttestation}, which the proof
 * covers too. The proof binds the request to this agent and this token, so a captured request
 * cannot enroll anyone else and cannot be replayed. Transport-neutral JSON; at most
 * {@link EnrollmentProtocol#MAX_BODY_BYTES}.
 */
public final class EnrollmentRequest extends SignedAgentRequest {
    static final String PURPOSE = "heartbeat-enrollment-request/v1";
    private static final Set<String> FIELDS = Set.of("v", "token", "publicKey", "keyAlgorithm", "facts", "nonce", "timestamp", "proof",
            "attestation");
    private static final Set<String> FACT_FIELDS = Set.of("hostname", "platform", "osVersion", "agentVersion", "machineFingerprint");

    private final EnrollmentToken token;
    private final AgentFacts facts;
    private final @Nullable EnrollmentAttestation attestation;

    private EnrollmentRequest(EnrollmentToken token, AgentKeyAlgorithm algorithm, byte[] publicKey, AgentFacts facts,
            @Nullable EnrollmentAttestation attestation, Proof proof) {
        super(algorithm, publicKey, proof);
        this.token = Objects.requireNonNull(token, "token");
        this.facts = Objects.requireNonNull(facts, "facts");
        if (attestation != null && algorithm != AgentKeyAlgorithm.ECDSA_P256) {
            throw new IllegalArgumentException("attestation: an attested agent key is ecdsa-p256");
        }
        this.attestation = attestation;
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
        return create(token, keys.algorithm(), keys.publicKey(), facts, SignedRequest.newNonce(), clock.instant(), keys::sign);
    }

    /**
     * Builds an Ed25519 request with an explicit nonce, time and signer (for other key stores, tests and benchmarks).
     *
     * @param token     the installer's token
     * @param publicKey the agent's raw 32-byte Ed25519 public key
     * @param facts     what the agent reports about its host
     * @param nonce     the nonce, base64url
     * @param at        the time to sign
     * @param signer    signs the proof input with the agent's key
     * @return the signed request
     */
    public static EnrollmentRequest create(EnrollmentToken token, byte[] publicKey, AgentFacts facts, String nonce, Instant at,
            Function<byte[], byte[]> signer) {
        return create(token, AgentKeyAlgorithm.ED25519, publicKey, facts, nonce, at, signer);
    }

    /**
     * Builds a request for a key of {@code algorithm} with an explicit nonce, time and signer.
     *
     * @param token     the installer's token
     * @param algorithm the agent key's algorithm; fixes the public key's and the signature's encodings
     * @param publicKey the agent's public key in {@code algorithm}'s encoding
     * @param facts     what the agent reports about its host
     * @param nonce     the nonce, base64url
     * @param at        the time to sign
     * @param signer    signs the proof input with the agent's key, in {@code algorithm}'s signature encoding
     * @return the signed request
     */
    public static EnrollmentRequest create(EnrollmentToken token, AgentKeyAlgorithm algorithm, byte[] publicKey, AgentFacts facts,
            String nonce, Instant at, Function<byte[], byte[]> signer) {
        return sign(p -> new EnrollmentRequest(token, algorithm, publicKey, facts, null, p), nonce, at, signer);
    }

    /**
     * Builds and signs a TPM-attested request with a fresh nonce and the clock's time: {@code attestation} answers
     * the server's {@link AttestationChallenge} for this key, and the proof covers it.
     *
     * @param token       the installer's token
     * @param keys        the agent's key, ECDSA P-256 (the certified key); signs the proof
     * @param facts       what the agent reports about its host
     * @param attestation the TPM's answer to the challenge
     * @param clock       stamps the request
     * @return the signed request
     * @throws IllegalArgumentException the key is not ECDSA P-256
     */
    public static EnrollmentRequest create(EnrollmentToken token, AgentSigningKey keys, AgentFacts facts, EnrollmentAttestation attestation,
            Clock clock) {
        return create(token, keys.algorithm(), keys.publicKey(), facts, Optional.of(attestation), SignedRequest.newNonce(), clock.instant(),
                keys::sign);
    }

    /**
     * Builds a request, attested or not, with an explicit nonce, time and signer (for tests, vectors and benchmarks).
     *
     * @param token       the installer's token
     * @param algorithm   the agent key's algorithm; ECDSA P-256 when {@code attestation} is present
     * @param publicKey   the agent's public key in {@code algorithm}'s encoding
     * @param facts       what the agent reports about its host
     * @param attestation the TPM's answer to the server's challenge; empty for a request without attestation
     * @param nonce       the nonce, base64url
     * @param at          the time to sign
     * @param signer      signs the proof input with the agent's key, in {@code algorithm}'s signature encoding
     * @return the signed request
     * @throws IllegalArgumentException an attestation with a key that is not ECDSA P-256
     */
    public static EnrollmentRequest create(EnrollmentToken token, AgentKeyAlgorithm algorithm, byte[] publicKey, AgentFacts facts,
            Optional<EnrollmentAttestation> attestation, String nonce, Instant at, Function<byte[], byte[]> signer) {
        EnrollmentAttestation a = attestation.orElse(null);
        return sign(p -> new EnrollmentRequest(token, algorithm, publicKey, facts, a, p), nonce, at, signer);
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
            String detail = String.valueOf(e.getMessage());
            String field = detail.contains(":") ? detail.substring(0, detail.indexOf(':')) : "";
            throw new RequestException(Problem.INVALID_VALUE, "facts." + field, "facts." + detail);
        }
        Optional<Map<String, Object>> a = RequestJson.optionalObject(m, "attestation", EnrollmentAttestation.FIELDS);
        EnrollmentAttestation attestation = a.isPresent() ? EnrollmentAttestation.parse(a.get()) : null;
        if (attestation != null && algorithm != AgentKeyAlgorithm.ECDSA_P256) {
            throw new RequestException(Problem.INVALID_VALUE, "attestation", "attestation needs keyAlgorithm ecdsa-p256");
        }
        return new EnrollmentRequest(token, algorithm, pub, facts, attestation, Proof.parse(m));
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
        if (attestation != null) {
            m.put("attestation", attestation.toJson());
        }
        proof().writeTo(m);
        return RequestJson.write(m);
    }

    /** {@return the bytes the proof signs} */
    @Override
    public byte[] signedBytes() {
        String[] fields = {token.reveal(), publicKeyText(), facts.hostname(), facts.platform(),
                facts.osVersion(), facts.agentVersion(), facts.machineFingerprint().orElse(""), nonce(), timestampText()};
        return attestation == null ? proofBytes(PURPOSE, fields) : proofBytes(PURPOSE, fields, attestation.signedTexts());
    }

    /** {@return the TPM's answer to the server's attestation challenge; empty for a request without attestation} */
    public Optional<EnrollmentAttestation> attestation() {
        return Optional.ofNullable(attestation);
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
