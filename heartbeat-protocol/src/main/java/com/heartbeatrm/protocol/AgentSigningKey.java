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
    /**
     * The key's algorithm; Ed25519 unless the key says otherwise.
     *
     * @return the algorithm that names {@link #publicKey()}'s encoding and {@link #sign(byte[])}'s signatures
     */
    default AgentKeyAlgorithm algorithm() {
        return AgentKeyAlgorithm.ED25519;
    }

    /**
     * The public key in its algorithm's encoding; a fresh copy.
     *
     * @return 32 bytes raw for Ed25519, 65 bytes SEC1 uncompressed for ECDSA P-256
     */
    byte[] publicKey();

    /**
     * A signature over {@code message} in the algorithm's wire encoding.
     *
     * @param message the bytes to sign
     * @return 64 bytes for both algorithms (Ed25519; IEEE P1363 {@code r||s} for ECDSA P-256)
     */
    byte[] sign(byte[] message);

    /**
     * SHA-256 of the encoded public key, lower-case hex: how the server knows this agent again.
     *
     * @return the fingerprint of {@link #publicKey()}
     */
    default String fingerprint() {
        return fingerprintOf(publicKey());
    }

    /**
     * SHA-256 of an encoded public key, lower-case hex.
     *
     * @param rawPublicKey a public key in its algorithm's encoding
     * @return the fingerprint, as credentials carry it ({@code fp})
     */
    static String fingerprintOf(byte[] rawPublicKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rawPublicKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
