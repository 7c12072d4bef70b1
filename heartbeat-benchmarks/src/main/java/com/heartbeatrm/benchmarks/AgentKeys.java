package com.heartbeatrm.benchmarks;

import com.heartbeatrm.enrollment.internal.BcEd25519;
import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Agent keys of either algorithm for the benchmarks' requests, and the bare verification of an agent's proof that a
 * crypto ceiling counts: Ed25519 (BouncyCastle, the key decoded anew) or ECDSA P-256 (the JDK, the 65-byte point
 * decoded anew into a key, a P1363 signature), as the server meets a new agent's key on every request.
 */
final class AgentKeys {
    private static final ThreadLocal<KeyFactory> EC_FACTORY = ThreadLocal.withInitial(() -> jdk(() -> KeyFactory.getInstance("EC")));
    private static final ThreadLocal<Signature> P1363 =
            ThreadLocal.withInitial(() -> jdk(() -> Signature.getInstance("SHA256withECDSAinP1363Format")));
    private static final ECParameterSpec P256 = jdk(() -> {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return ((ECPublicKey) g.generateKeyPair().getPublic()).getParams();
    });

    private AgentKeys() {}

    private interface Make<T> {
        T make() throws GeneralSecurityException;
    }

    private static <T> T jdk(Make<T> make) {
        try {
            return make.make();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code @Param} values the benchmarks take: the wire names of {@link AgentKeyAlgorithm}. */
    static AgentKeyAlgorithm algorithm(String wireName) {
        return AgentKeyAlgorithm.ofWireName(wireName).orElseThrow(() -> new IllegalArgumentException("no such algorithm: " + wireName));
    }

    /** One agent's key: its algorithm, its public key in that algorithm's wire encoding, and its signer. */
    abstract static class Key {
        final AgentKeyAlgorithm algorithm;
        final byte[] publicKey;

        Key(AgentKeyAlgorithm algorithm, byte[] publicKey) {
            this.algorithm = algorithm;
            this.publicKey = publicKey;
        }

        /** {@return a signature over {@code message} in the algorithm's wire encoding} */
        abstract byte[] sign(byte[] message);
    }

    /** A new key of {@code algorithm}. */
    static Key generate(AgentKeyAlgorithm algorithm) {
        if (algorithm == AgentKeyAlgorithm.ED25519) {
            byte[] seed = BcEd25519.generateSeed();
            byte[] pub = BcEd25519.publicKey(seed);
            return new Key(algorithm, pub) {
                @Override
                byte[] sign(byte[] message) {
                    return BcEd25519.sign(seed, pub, message);
                }
            };
        }
        KeyPair pair = jdk(() -> {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        });
        PrivateKey priv = pair.getPrivate();
        return new Key(algorithm, AgentKeyAlgorithm.sec1Of(pair.getPublic())) {
            @Override
            byte[] sign(byte[] message) {
                return jdk(() -> {
                    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
                    s.initSign(priv);
                    s.update(message);
                    return s.sign();
                });
            }
        };
    }

    /**
     * The proof verification alone: Ed25519 with the key decoded from its 32 bytes, or ECDSA P-256 with the key made
     * from its 65-byte point (no further checks: what the JDK's key factory and verifier do, and nothing else).
     */
    static boolean verify(AgentKeyAlgorithm algorithm, byte[] publicKey, byte[] message, byte[] signature) {
        if (algorithm == AgentKeyAlgorithm.ED25519) {
            return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
        }
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(publicKey, 1, 33)), new BigInteger(1, Arrays.copyOfRange(publicKey, 33, 65)));
        return jdk(() -> {
            Signature v = P1363.get();
            v.initVerify(EC_FACTORY.get().generatePublic(new ECPublicKeySpec(w, P256)));
            v.update(message);
            return v.verify(signature);
        });
    }
}
