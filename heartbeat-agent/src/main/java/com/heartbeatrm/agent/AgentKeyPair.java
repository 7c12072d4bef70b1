package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import com.heartbeatrm.protocol.Ed25519Verifier;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * An agent key pair in software, held by the {@linkplain AgentKeyCustody#software() software custody}: Ed25519 (the
 * default) or ECDSA P-256, generated at first start. The private key never leaves this object except through
 * {@link #exportPrivateKeyPkcs8()} (and {@link #reference()}, the same bytes), for the agent's own state file.
 * Prints redacted.
 */
public final class AgentKeyPair implements CustodyKey {
    private final AgentKeyAlgorithm algorithm;
    private final PrivateKey privateKey;
    private final byte[] publicKey;

    private AgentKeyPair(AgentKeyAlgorithm algorithm, PrivateKey privateKey, byte[] publicKey) {
        this.algorithm = algorithm;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** A new Ed25519 key pair. */
    public static AgentKeyPair generate() {
        return generate(AgentKeyAlgorithm.ED25519);
    }

    /** A new key pair of {@code algorithm}. */
    public static AgentKeyPair generate(AgentKeyAlgorithm algorithm) {
        Objects.requireNonNull(algorithm, "algorithm");
        try {
            if (algorithm == AgentKeyAlgorithm.ED25519) {
                KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                byte[] spki = kp.getPublic().getEncoded();
                return new AgentKeyPair(algorithm, kp.getPrivate(), Arrays.copyOfRange(spki, spki.length - 32, spki.length));
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            return new AgentKeyPair(algorithm, kp.getPrivate(), AgentKeyAlgorithm.sec1Of(kp.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm.wireName() + " unavailable", e);
        }
    }

    /**
     * Restores a key pair from {@link #exportPrivateKeyPkcs8()} and the matching public key; the algorithm is the one
     * whose public key encoding has that length (32 bytes Ed25519, 65 bytes P-256).
     */
    public static AgentKeyPair restore(byte[] pkcs8, byte[] publicKey) {
        if (publicKey == null) {
            throw new IllegalArgumentException("not an agent key pair");
        }
        return restore(publicKey.length == AgentKeyAlgorithm.ECDSA_P256.publicKeyLength() ? AgentKeyAlgorithm.ECDSA_P256
                : AgentKeyAlgorithm.ED25519, pkcs8, publicKey);
    }

    /** Restores a key pair of {@code algorithm}; refuses a private key that does not match {@code publicKey}. */
    public static AgentKeyPair restore(AgentKeyAlgorithm algorithm, byte[] pkcs8, byte[] publicKey) {
        Objects.requireNonNull(algorithm, "algorithm");
        if (pkcs8 == null || pkcs8.length > 256 || !algorithm.isValidPublicKey(publicKey)) {
            throw new IllegalArgumentException("not an " + algorithm.wireName() + " key pair");
        }
        try {
            PrivateKey pk = KeyFactory.getInstance(algorithm == AgentKeyAlgorithm.ED25519 ? "Ed25519" : "EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            AgentKeyPair pair = new AgentKeyPair(algorithm, pk, publicKey.clone());
            byte[] probe = "heartbeat-key-check".getBytes(StandardCharsets.US_ASCII);
            if (!algorithm.verify(publicKey, probe, pair.sign(probe), Ed25519Verifier.jdk())) {
                throw new IllegalArgumentException("private and public key do not match");
            }
            return pair;
        } catch (GeneralSecurityException | IllegalStateException e) {
            throw new IllegalArgumentException("not an " + algorithm.wireName() + " private key");
        }
    }

    @Override
    public AgentKeyAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    @Override
    public byte[] sign(byte[] message) {
        return sign(algorithm, privateKey, message);
    }

    /** A signature by {@code key} in the wire encoding of {@code algorithm}, with the JDK's provider. */
    static byte[] sign(AgentKeyAlgorithm algorithm, PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance(algorithm == AgentKeyAlgorithm.ED25519 ? "Ed25519" : "SHA256withECDSAinP1363Format");
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm.wireName() + " signing failed", e);
        }
    }

    /** An Ed25519 signature by {@code key} with the JDK's provider. */
    static byte[] sign(PrivateKey key, byte[] message) {
        return sign(AgentKeyAlgorithm.ED25519, key, message);
    }

    /** {@code "file"}: the software custody. */
    @Override
    public String custody() {
        return SoftwareKeyCustody.NAME;
    }

    /** The PKCS#8 private key: what the state file records. */
    @Override
    public byte[] reference() {
        return exportPrivateKeyPkcs8();
    }

    /** The private key (PKCS#8 DER) for the agent's own protected state file. */
    public byte[] exportPrivateKeyPkcs8() {
        return privateKey.getEncoded();
    }

    @Override
    public String toString() {
        return "AgentKeyPair[" + algorithm.wireName() + " " + fingerprint().substring(0, 16) + "…, private key redacted]";
    }
}
