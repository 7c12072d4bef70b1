package com.heartbeatrm.protocol.internal;

import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/**
 * ECDSA over P-256 with SHA-256 (ES256) for issuer keys that live on a PKCS#11 token: the point and signature checks
 * of {@link AgentKeyAlgorithm#ECDSA_P256} (65-byte uncompressed point, 64-byte {@code r || s}), plus the issuer's rule
 * that only the low-S one of the two valid signatures verifies, so a token's signature cannot be altered into
 * another valid one.
 *
 * <p>Also the JDK objects both verify with, made once rather than per call: the curve's parameters, and per thread a
 * key factory and a verifier ({@code SHA256withECDSAinP1363Format}, re-initialized with the key before every use, so
 * nothing of one verification reaches the next).
 */
public final class JdkP256 {
    public static final int POINT_LENGTH = 65;
    /** The DER prefix of a P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1); the 65-byte point follows. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce,
        0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
    /** Half the group order n: a signature's {@code s} may be at most this. */
    private static final BigInteger HALF_N =
            new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16).shiftRight(1);

    private static final ECParameterSpec PARAMETERS = parameters();
    private static final ThreadLocal<KeyFactory> FACTORY = ThreadLocal.withInitial(() -> instance(() -> KeyFactory.getInstance("EC")));
    private static final ThreadLocal<Signature> VERIFIER =
            ThreadLocal.withInitial(() -> instance(() -> Signature.getInstance("SHA256withECDSAinP1363Format")));

    private JdkP256() {
    }

    /** A JDK object that every Java SE runtime provides. */
    private interface Make<T> {
        T make() throws GeneralSecurityException;
    }

    private static <T> T instance(Make<T> make) {
        try {
            return make.make();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 unavailable", e);
        }
    }

    private static ECParameterSpec parameters() {
        return instance(() -> {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            return params.getParameterSpec(ECParameterSpec.class);
        });
    }

    /**
     * The JDK key of a point the caller has already checked with {@link #isValidPoint}.
     *
     * @throws IllegalStateException the JDK refuses the point (it was not checked)
     */
    public static ECPublicKey publicKey(byte[] validPoint) {
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(validPoint, 1, 33)), new BigInteger(1, Arrays.copyOfRange(validPoint, 33, 65)));
        return instance(() -> (ECPublicKey) FACTORY.get().generatePublic(new ECPublicKeySpec(w, PARAMETERS)));
    }

    /** Whether {@code signature} ({@code r || s}, 64 bytes, either S) is {@code key}'s signature over {@code message}. */
    public static boolean verifyAnyS(ECPublicKey key, byte[] message, byte[] signature) {
        if (signature == null || signature.length != AgentKeyAlgorithm.SIGNATURE_LENGTH) {
            return false;
        }
        Signature v = VERIFIER.get();
        try {
            v.initVerify(key);
            v.update(message);
            return v.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code signature} ({@code r || s}, low S) is {@code key}'s ES256 signature over {@code message}. */
    public static boolean verify(ECPublicKey key, byte[] message, byte[] signature) {
        return lowS(signature) && verifyAnyS(key, message, signature);
    }

    private static boolean lowS(byte[] signature) {
        return signature != null && signature.length == AgentKeyAlgorithm.SIGNATURE_LENGTH
                && new BigInteger(1, Arrays.copyOfRange(signature, 32, 64)).compareTo(HALF_N) <= 0;
    }

    /** Whether {@code point} is a 65-byte uncompressed point on P-256. */
    public static boolean isValidPoint(byte[] point) {
        return AgentKeyAlgorithm.ECDSA_P256.isValidPublicKey(point);
    }

    public static byte[] spki(byte[] point) {
        byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + POINT_LENGTH);
        System.arraycopy(point, 0, der, SPKI_PREFIX.length, POINT_LENGTH);
        return der;
    }

    /** The point of a DER SubjectPublicKeyInfo of a P-256 key, if it is exactly one; else empty. */
    public static byte[] pointOfSpki(byte[] der) {
        if (der.length != SPKI_PREFIX.length + POINT_LENGTH
                || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            return new byte[0];
        }
        return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
    }

    /** Whether {@code signature} ({@code r || s}, low S) is the key's ES256 signature over {@code message}. */
    public static boolean verify(byte[] point, byte[] message, byte[] signature) {
        return lowS(signature) && isValidPoint(point) && verifyAnyS(publicKey(point), message, signature);
    }
}
