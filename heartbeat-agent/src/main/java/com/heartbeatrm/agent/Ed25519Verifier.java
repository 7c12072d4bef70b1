package com.heartbeatrm.agent;

/**
 * Verifies one Ed25519 signature with a raw 32-byte public key. The agent uses the JDK's provider by default;
 * a server that verifies many tokens plugs in a faster implementation (HeartbeatRM's server side uses
 * BouncyCastle's). Must return false, never throw, for invalid keys or signatures.
 */
@FunctionalInterface
public interface Ed25519Verifier {
    boolean verify(byte[] publicKey, byte[] message, byte[] signature);
}
