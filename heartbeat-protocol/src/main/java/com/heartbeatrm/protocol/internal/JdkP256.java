package com.heartbeatrm.protocol.internal;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/**
 * ECDSA over P-256 with SHA-256 (ES256) with the JDK's own provider, for issuer keys that live on a PKCS#11 token.
 * Keys are the 65-byte uncompressed SEC 1 point ({@code 04 || X || Y}); signatures are the 64-byte {@code r || s}
 * (IEEE P1363) form, and only the low-S one of the two valid signatures verifies, so a signature cannot be altered
 * into another valid one.
 */
public final class JdkP256 {
    public static final int POINT_LENGTH = 65;
    public static final int SIGNATURE_LENGTH = 64;
    /** The DER prefix of a P-256 SubjectPublicKeyInfo (id-ecPublicKey, prime256v1); the 65-byte point follows. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce,
        0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
    private static final BigInteger P = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger B = new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
    /** The group order n. */
    public static final BigInteger N = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
    private static final BigInteger HALF_N = N.shiftRight(1);
    private static final ECParameterSpec PARAMS = params();

    private JdkP256() {
    }

    private static ECParameterSpec params() {
        try {
            AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
            ap.init(new ECGenParameterSpec("secp256r1"));
            return ap.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no P-256", e);
        }
    }

    /** Whether {@code point} is a 65-byte uncompressed point on P-256 (not the point at infinity). */
    public static boolean isValidPoint(byte[] point) {
        if (point == null || point.length != POINT_LENGTH || point[0] != 0x04) {
            return false;
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 33));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 33, 65));
        if (x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
            return false;
        }
        BigInteger rhs = x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(B).mod(P);
        return y.pow(2).mod(P).equals(rhs);
    }

    public static byte[] spki(byte[] point) {
        byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + POINT_LENGTH);
        System.arraycopy(point, 0, der, SPKI_PREFIX.length, POINT_LENGTH);
        return der;
    }

    /** The point of a DER SubjectPublicKeyInfo of a P-256 key, if it is exactly one. */
    public static byte[] pointOfSpki(byte[] der) {
        if (der.length != SPKI_PREFIX.length + POINT_LENGTH
                || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            return new byte[0];
        }
        return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
    }

    /** Whether {@code signature} ({@code r || s}, low S) is the key's ES256 signature over {@code message}. */
    public static boolean verify(byte[] point, byte[] message, byte[] signature) {
        if (signature.length != SIGNATURE_LENGTH || !isValidPoint(point)) {
            return false;
        }
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        if (s.signum() == 0 || s.compareTo(HALF_N) > 0) {
            return false;
        }
        try {
            ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)),
                    new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, PARAMS));
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // A malformed signature is simply not a valid one.
            return false;
        }
    }
}
