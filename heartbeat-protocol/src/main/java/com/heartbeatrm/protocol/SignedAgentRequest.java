package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.RequestException.Problem;
import com.heartbeatrm.protocol.internal.RequestJson;
import com.heartbeatrm.protocol.internal.SignedRequest;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What the two signed agent requests ({@link EnrollmentRequest}, {@link RenewalRequest}) share: the agent's public
 * key and its algorithm, a nonce, a timestamp, and the proof of possession, the signature over {@link #signedBytes()}
 * by the private key that matches the public key.
 *
 * <p>The key's algorithm is the optional member {@code keyAlgorithm}: absent (or {@code "ed25519"}) for Ed25519,
 * {@code "ecdsa-p256"} for ECDSA P-256; any other value is refused. It only chooses among those two; the public key
 * must then have that algorithm's fixed encoding ({@link AgentKeyAlgorithm}). For P-256 the name is also the last
 * piece of the signed bytes, so a signature of one algorithm's request never stands for another's.
 */
public abstract sealed class SignedAgentRequest permits EnrollmentRequest, RenewalRequest {
    static final String KEY_ALGORITHM = "keyAlgorithm";
    private final AgentKeyAlgorithm algorithm;
    private final byte[] publicKey;
    // Computed on first use and kept: a renewal asks for it several times. A racing second computation gives an
    // equal String, safely published (String's fields are final).
    private @Nullable String fingerprint;
    private final Proof proof;

    /** The nonce, the time as the agent wrote it, and the signature. */
    record Proof(String nonce, String timestampText, Instant timestamp, byte[] signature) {
        Proof {
            Objects.requireNonNull(nonce, "nonce");
        }

        /** A proof still to be signed, of a fresh request made at {@code at}. */
        static Proof unsigned(String nonce, Instant at) {
            return new Proof(nonce, at.toString(), at, new byte[0]);
        }

        /** Reads the nonce, timestamp and proof members strictly. */
        static Proof parse(Map<String, Object> m) throws RequestException {
            String nonce = RequestJson.string(m, "nonce");
            SignedRequest.bytes("nonce", nonce, 16, 64);
            String ts = RequestJson.string(m, "timestamp");
            Instant at = SignedRequest.timestamp("timestamp", ts);
            return new Proof(nonce, ts, at, SignedRequest.bytes("proof", RequestJson.string(m, "proof"), 64, 64));
        }

        void writeTo(Map<String, Object> m) {
            m.put("nonce", nonce);
            m.put("timestamp", timestampText);
            m.put("proof", Base64Url.encode(signature));
        }
    }

    SignedAgentRequest(AgentKeyAlgorithm algorithm, byte[] publicKey, Proof proof) {
        this.algorithm = java.util.Objects.requireNonNull(algorithm, "algorithm");
        if (!algorithm.isValidPublicKey(publicKey)) {
            throw new IllegalArgumentException("publicKey: not an " + algorithm.wireName() + " public key");
        }
        this.publicKey = publicKey.clone();
        this.proof = proof;
    }

    /** Signs an unsigned request: {@code make} builds it from a proof, once unsigned and once with the signature. */
    static <R extends SignedAgentRequest> R sign(Function<Proof, R> make, String nonce, Instant at, Function<byte[], byte[]> signer) {
        R unsigned = make.apply(Proof.unsigned(nonce, at));
        Proof p = unsigned.proof();
        return make.apply(new Proof(p.nonce(), p.timestampText(), p.timestamp(), signer.apply(unsigned.signedBytes())));
    }

    /** Reads {@code keyAlgorithm} (absent: Ed25519) and the public key in that algorithm's encoding, strictly. */
    static AgentKeyAlgorithm parseAlgorithm(Map<String, Object> m) throws RequestException {
        Optional<String> name = RequestJson.optionalString(m, KEY_ALGORITHM);
        if (name.isEmpty()) {
            return AgentKeyAlgorithm.ED25519;
        }
        return AgentKeyAlgorithm.ofWireName(name.get()).orElseThrow(() -> new RequestException(Problem.INVALID_VALUE, KEY_ALGORITHM,
                "keyAlgorithm must be ed25519 or ecdsa-p256"));
    }

    /** The public key member, of exactly {@code algorithm}'s length and, for P-256, a point on the curve. */
    static byte[] parsePublicKey(Map<String, Object> m, AgentKeyAlgorithm algorithm) throws RequestException {
        int length = algorithm.publicKeyLength();
        byte[] pub = SignedRequest.bytes("publicKey", RequestJson.string(m, "publicKey"), length, length);
        if (!algorithm.isValidPublicKey(pub)) {
            throw new RequestException(Problem.INVALID_VALUE, "publicKey", "publicKey is not a point on P-256");
        }
        return pub;
    }

    /** Writes {@code keyAlgorithm} when it is not Ed25519, so an Ed25519 request reads as it always did. */
    final void writeAlgorithm(Map<String, Object> m) {
        if (algorithm != AgentKeyAlgorithm.ED25519) {
            m.put(KEY_ALGORITHM, algorithm.wireName());
        }
    }

    /** The signed fields, then the algorithm's name when it is not Ed25519: what the proof signs. */
    final byte[] proofBytes(String purpose, String... fields) {
        if (algorithm == AgentKeyAlgorithm.ED25519) {
            return SignedRequest.proofBytes(purpose, fields);
        }
        String[] all = java.util.Arrays.copyOf(fields, fields.length + 1);
        all[fields.length] = algorithm.wireName();
        return SignedRequest.proofBytes(purpose, all);
    }

    /**
     * The signed fields, the algorithm's name (always there: only P-256 is attested), then {@code extra}: what an
     * attested enrollment's proof signs.
     */
    final byte[] proofBytes(String purpose, String[] fields, String[] extra) {
        String[] all = java.util.Arrays.copyOf(fields, fields.length + 1 + extra.length);
        all[fields.length] = algorithm.wireName();
        System.arraycopy(extra, 0, all, fields.length + 1, extra.length);
        return SignedRequest.proofBytes(purpose, all);
    }

    /** {@return the bytes the proof signs} */
    public abstract byte[] signedBytes();

    /** {@return the request as JSON} */
    public abstract byte[] toJson();

    /**
     * True when the proof is a valid signature by the request's own public key, with the request's key algorithm:
     * Ed25519 through {@code verifier}, ECDSA P-256 through the JDK.
     *
     * @param verifier verifies Ed25519 signatures
     * @return whether the proof verifies
     */
    public final boolean proofVerifies(Ed25519Verifier verifier) {
        return algorithm.verify(publicKey, signedBytes(), proof.signature(), verifier);
    }

    /** {@return the algorithm of the agent's key} */
    public final AgentKeyAlgorithm keyAlgorithm() {
        return algorithm;
    }

    /** {@return the agent's public key in its algorithm's encoding (32 or 65 bytes; a copy)} */
    public final byte[] publicKey() {
        return publicKey.clone();
    }

    /** {@return the fingerprint of the agent's public key, as credentials carry it} */
    public final String publicKeyFingerprint() {
        String f = fingerprint;
        if (f == null) {
            f = AgentSigningKey.fingerprintOf(publicKey);
            fingerprint = f;
        }
        return f;
    }

    /** {@return the request's nonce, base64url; the server refuses one it has seen} */
    public final String nonce() {
        return proof.nonce();
    }

    /** {@return when the agent signed the request, by its clock} */
    public final Instant timestamp() {
        return proof.timestamp();
    }

    final String publicKeyText() {
        return Base64Url.encode(publicKey);
    }

    final String timestampText() {
        return proof.timestampText();
    }

    final Proof proof() {
        return proof;
    }
}
