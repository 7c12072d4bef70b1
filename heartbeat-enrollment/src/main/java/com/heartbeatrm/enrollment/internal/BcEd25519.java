package com.heartbeatrm.enrollment.internal;

import com.heartbeatrm.protocol.Ed25519Verifier;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.jspecify.annotations.Nullable;

/**
 * BouncyCastle's RFC 8032 Ed25519, used by the server because it verifies several times faster than the JDK's
 * SunEC provider (see BENCHMARKS.md).
 *
 * <p>{@link #ISSUER_KEYS} caches the decoded, fully validated point of each key (issuer keys are few and long
 * lived), which saves the point decoding on every token verification. {@link #PLAIN} verifies with the raw key
 * and caches nothing: for agent keys, each seen about once, a cache would only add a full validation per call.
 *
 * <p>{@link #TOKENS} also remembers the signatures it found valid: every agent installed from one installer presents
 * the same token, so an enrollment would otherwise verify the same signature over the same bytes again (a third of
 * an enrollment's crypto). A remembered signature counts only for the very same key and message, compared in full
 * (in constant time: a token is a bearer secret); the key is still looked up, so a retired key stops verifying at
 * once. Failures are never remembered. Bounded: at {@value #MAX_REMEMBERED} signatures the memory starts over.
 */
public final class BcEd25519 implements Ed25519Verifier {
    /** For the deployment's issuer keys. */
    public static final BcEd25519 ISSUER_KEYS = new BcEd25519(true);
    /** For enrollment tokens: issuer keys, and the signatures already found valid. */
    public static final BcEd25519 TOKENS = new BcEd25519(true, true);
    /** For one-off keys such as an agent's proof of possession. */
    public static final BcEd25519 PLAIN = new BcEd25519(false);
    private static final int MAX_CACHED = 64;
    static final int MAX_REMEMBERED = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<ByteBuffer, Ed25519.PublicPoint> points = new ConcurrentHashMap<>();
    private final boolean cache;
    private final @Nullable Map<ByteBuffer, Signed> verified;
    private final AtomicLong computed = new AtomicLong();

    /** A signature found valid, with the key and message it is valid for. */
    private record Signed(byte[] publicKey, byte[] message) {
        boolean sameAs(byte[] key, byte[] msg) {
            return MessageDigest.isEqual(publicKey, key) && MessageDigest.isEqual(message, msg);
        }
    }

    static {
        Ed25519.precompute();
    }

    private BcEd25519(boolean cache) {
        this(cache, false);
    }

    private BcEd25519(boolean cache, boolean remember) {
        this.cache = cache;
        this.verified = remember ? new ConcurrentHashMap<>() : null;
    }

    /** For tests: an instance of its own that remembers valid signatures, like {@link #TOKENS}. */
    static BcEd25519 remembering() {
        return new BcEd25519(true, true);
    }

    /** How many signatures this instance verified by computation (not from memory), for tests. */
    long computed() {
        return computed.get();
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
        if (verified == null) {
            return compute(publicKey, message, signature);
        }
        ByteBuffer id = ByteBuffer.wrap(signature);
        Signed seen = verified.get(id);
        if (seen != null && seen.sameAs(publicKey, message)) {
            return true;
        }
        boolean valid = compute(publicKey, message, signature);
        if (valid) {
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
            verified.put(ByteBuffer.wrap(signature.clone()), new Signed(publicKey.clone(), message.clone()));
        }
        return valid;
    }

    private boolean compute(byte[] publicKey, byte[] message, byte[] signature) {
        computed.incrementAndGet();
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
