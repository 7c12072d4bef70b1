package com.heartbeatrm.enrollment.internal;

import com.heartbeatrm.protocol.Ed25519Verifier;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * BouncyCastle's RFC 8032 Ed25519, used by the server because it verifies several times faster than the JDK's
 * SunEC provider (see BENCHMARKS.md).
 *
 * <p>{@link #ISSUER_KEYS} caches the decoded, fully validated point of each key (issuer keys are few and long
 * lived), which saves the point decoding on every token verification. {@link #PLAIN} verifies with the raw key
 * and caches nothing: for agent keys, each seen about once, a cache would only add a full validation per call.
 */
public final class BcEd25519 implements Ed25519Verifier {
    /** For the deployment's issuer keys. */
    public static final BcEd25519 ISSUER_KEYS = new BcEd25519(true);
    /** For one-off keys such as an agent's proof of possession. */
    public static final BcEd25519 PLAIN = new BcEd25519(false);
    private static final int MAX_CACHED = 64;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<ByteBuffer, Ed25519.PublicPoint> points = new ConcurrentHashMap<>();
    private final boolean cache;

    static {
        Ed25519.precompute();
    }

    private BcEd25519(boolean cache) {
        this.cache = cache;
    }

    /** A new 32-byte private key seed. */
    public static byte[] generateSeed() {
        byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
        Ed25519.generatePrivateKey(RANDOM, seed);
        return seed;
    }

    public static byte[] publicKey(byte[] seed) {
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, pk, 0);
        return pk;
    }

    public static byte[] sign(byte[] seed, byte[] publicKey, byte[] message) {
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, publicKey, 0, null, message, 0, message.length, sig, 0);
        return sig;
    }

    @Override
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != Ed25519.PUBLIC_KEY_SIZE || signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        if (!cache) {
            return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
        }
        Ed25519.PublicPoint point = points.get(ByteBuffer.wrap(publicKey));
        if (point == null) {
            point = Ed25519.validatePublicKeyFullExport(publicKey, 0);
            if (point == null) {
                return false;
            }
            if (points.size() >= MAX_CACHED) {
                points.clear();
            }
            points.put(ByteBuffer.wrap(publicKey.clone()), point);
        }
        return Ed25519.verify(signature, 0, point, message, 0, message.length);
    }
}
