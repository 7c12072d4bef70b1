package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentSigningKey;
import com.heartbeatrm.protocol.Ed25519Verifier;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

/**
 * The agent's own identity: an Ed25519 key pair it generates at first start. The private key never leaves
 * this object except through {@link #exportPrivateKeyPkcs8()}, for the agent's own state file. Prints
 * redacted.
 */
public final class AgentKeyPair implements AgentSigningKey {
    private final PrivateKey privateKey;
    private final byte[] publicKey;

    private AgentKeyPair(PrivateKey privateKey, byte[] publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** {@return a new Ed25519 key pair from the JDK's default secure random source} */
    public static AgentKeyPair generate() {
        try {
            KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] spki = kp.getPublic().getEncoded();
            return new AgentKeyPair(kp.getPrivate(), Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 unavailable", e);
        }
    }

    /**
     * Restores a key pair from {@link #exportPrivateKeyPkcs8()} and the matching public key.
     *
     * @param pkcs8     the private key as {@link #exportPrivateKeyPkcs8()} wrote it, at most 256 bytes
     * @param publicKey the raw 32-byte Ed25519 public key
     * @return the key pair
     * @throws IllegalArgumentException malformed input, or a public key that is not the private key's
     */
    public static AgentKeyPair restore(byte[] pkcs8, byte[] publicKey) {
        if (pkcs8 == null || pkcs8.length > 256 || publicKey == null || publicKey.length != 32) {
            throw new IllegalArgumentException("not an Ed25519 key pair");
        }
        try {
            PrivateKey pk = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            AgentKeyPair pair = new AgentKeyPair(pk, publicKey.clone());
            byte[] probe = "heartbeat-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            if (!Ed25519Verifier.jdk().verify(publicKey, probe, pair.sign(probe))) {
                throw new IllegalArgumentException("private and public key do not match");
            }
            return pair;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private key");
        }
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] sign(byte[] message) {
        return sign(privateKey, message);
    }

    /** An Ed25519 signature by {@code key} with the JDK's provider. */
    static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** {@return the private key (PKCS#8 DER) for the agent's own protected state file} */
    public byte[] exportPrivateKeyPkcs8() {
        return privateKey.getEncoded();
    }

    @Override
    public String toString() {
        return "AgentKeyPair[" + fingerprint().substring(0, 16) + "…, private key redacted]";
    }
}
