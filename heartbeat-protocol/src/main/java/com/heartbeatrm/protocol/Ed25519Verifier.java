package com.heartbeatrm.protocol;

/**
 * Verifies one Ed25519 signature with a raw 32-byte public key. The agent uses the JDK's provider by default;
 * a server that verifies many tokens plugs in a faster implementation (HeartbeatRM's server side uses
 * BouncyCastle's). Must return false, never throw, for invalid keys or signatures.
 */
@FunctionalInterface
public interface Ed25519Verifier {
    /**
     * The JDK's Ed25519 provider: what the agent side uses unless told otherwise.
     *
     * @return a verifier backed by the JDK's Ed25519; thread-safe
     */
    static Ed25519Verifier jdk() {
        return new com.heartbeatrm.protocol.internal.JdkEd25519();
    }

    /**
     * Whether {@code signature} is {@code publicKey}'s Ed25519 signature over {@code message}.
     *
     * @param publicKey the raw 32-byte public key
     * @param message   the signed bytes
     * @param signature the signature
     * @return whether it verifies; false (never an exception) for a malformed key or signature
     */
    boolean verify(byte[] publicKey, byte[] message, byte[] signature);
}
