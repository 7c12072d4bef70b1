package com.heartbeatrm.protocol.internal;

import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * ECDSA over P-256 with SHA-256 (ES256) for issuer keys that live on a PKCS#11 token: the point and signature checks
 * of {@link AgentKeyAlgorithm#ECDSA_P256} (65-byte uncompressed point, 64-byte {@code r || s}), plus the issuer's rule
 * that only the low-S one of the two valid signatures verifies, so a token's signature cannot be altered into
 * another valid one.
 */
public final class JdkP256 {
    public static final int POINT_LENGTH = 65;
    /** The DER prefix of a P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1); the 65-byte point follows. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce,
        0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
    /** Half the group order n: a signature's {@code s} may be at most this. */
    private static final BigInteger HALF_N =
            new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16).shiftRight(1);

    private JdkP256() {
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
        if (signature == null || signature.length != AgentKeyAlgorithm.SIGNATURE_LENGTH) {
            return false;
        }
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        return s.compareTo(HALF_N) <= 0
                && AgentKeyAlgorithm.ECDSA_P256.verify(point, message, signature, (k, m, sig) -> false);
    }
}
