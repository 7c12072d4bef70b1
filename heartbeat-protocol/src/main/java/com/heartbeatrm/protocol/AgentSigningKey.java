package com.heartbeatrm.protocol;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The agent's key as the protocol needs it: its algorithm, the public key a request carries (in that algorithm's fixed
 * encoding, see {@link AgentKeyAlgorithm}) and a signature over the request's proof of possession. Key custody (a
 * file, PKCS#11, a TPM) lives on the agent side and implements this.
 */
public interface AgentSigningKey {
    /** The key's algorithm; Ed25519 unless the key says otherwise. */
    default AgentKeyAlgorithm algorithm() {
        return AgentKeyAlgorithm.ED25519;
    }

    /** The public key in its algorithm's encoding (32 bytes raw Ed25519, 65 bytes SEC1 P-256); a fresh copy. */
    byte[] publicKey();

    /** A signature over {@code message} in the algorithm's wire encoding (64 bytes for both). */
    byte[] sign(byte[] message);

    /** SHA-256 of the encoded public key, lower-case hex: how the server knows this agent again. */
    default String fingerprint() {
        return fingerprintOf(publicKey());
    }

    /** SHA-256 of an encoded public key, lower-case hex. */
    static String fingerprintOf(byte[] rawPublicKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rawPublicKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
