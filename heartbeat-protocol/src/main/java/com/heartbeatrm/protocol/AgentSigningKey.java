package com.heartbeatrm.protocol;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The agent's Ed25519 key as the protocol needs it: the raw public key a request carries and a signature over the
 * request's proof of possession. Key custody (a file, PKCS#11, a TPM) lives on the agent side and implements this.
 */
public interface AgentSigningKey {
    /**
     * The raw 32-byte Ed25519 public key; a fresh copy.
     *
     * @return the raw 32-byte Ed25519 public key
     */
    byte[] publicKey();

    /**
     * An Ed25519 signature over {@code message}.
     *
     * @param message the bytes to sign
     * @return the 64-byte Ed25519 signature
     */
    byte[] sign(byte[] message);

    /**
     * SHA-256 of the raw public key, lower-case hex: how the server knows this agent again.
     *
     * @return the fingerprint of {@link #publicKey()}
     */
    default String fingerprint() {
        return fingerprintOf(publicKey());
    }

    /**
     * SHA-256 of a raw public key, lower-case hex.
     *
     * @param rawPublicKey a raw Ed25519 public key
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
