package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.Base64Url;
import com.heartbeatrm.protocol.internal.RequestJson;
import com.heartbeatrm.protocol.internal.SignedRequest;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the two signed agent requests ({@link EnrollmentRequest}, {@link RenewalRequest}) share: the agent's public
 * key, a nonce, a timestamp, and the proof of possession, the signature over {@link #signedBytes()} by the private
 * key that matches the public key.
 */
public abstract sealed class SignedAgentRequest permits EnrollmentRequest, RenewalRequest {
    private final byte[] publicKey;
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

    SignedAgentRequest(byte[] publicKey, Proof proof) {
        if (publicKey == null || publicKey.length != 32) {
            throw new IllegalArgumentException("publicKey: 32 bytes");
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

    /** {@return the bytes the proof signs} */
    public abstract byte[] signedBytes();

    /** {@return the request as JSON} */
    public abstract byte[] toJson();

    /**
     * True when the proof is a valid signature by the request's own public key.
     *
     * @param verifier verifies the signature
     * @return whether the proof verifies
     */
    public final boolean proofVerifies(Ed25519Verifier verifier) {
        return verifier.verify(publicKey, signedBytes(), proof.signature());
    }

    /** {@return the agent's raw Ed25519 public key (32 bytes; a copy)} */
    public final byte[] publicKey() {
        return publicKey.clone();
    }

    /** {@return the fingerprint of the agent's public key, as credentials carry it} */
    public final String publicKeyFingerprint() {
        return AgentSigningKey.fingerprintOf(publicKey);
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
