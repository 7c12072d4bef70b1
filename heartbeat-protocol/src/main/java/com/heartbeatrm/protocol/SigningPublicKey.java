package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.Base64Url;
import com.heartbeatrm.protocol.internal.JdkEd25519;
import com.heartbeatrm.protocol.internal.JdkP256;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * An issuer's public key, as agents pin it: Ed25519, or ECDSA P-256 (ES256) for a key that lives on a PKCS#11 token
 * or HSM. The key fixes the algorithm: a signature is verified with the algorithm of the key its key id names, never
 * with one the signed input chooses. Its key id is derived from the key itself ({@code hbs_} + the first 128 bits of
 * SHA-256 of the raw key, base64url), so an id can never be paired with the wrong key.
 */
public final class SigningPublicKey {
    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";
    private final Algorithm algorithm;
    private final byte[] raw;
    private final String keyId;
    /** ES256: the JDK's key for {@link #raw} (a point checked on construction), made at the first verification. */
    private volatile @Nullable ECPublicKey jdkKey;

    /** What an issuer key signs with. */
    public enum Algorithm {
        /** Ed25519 (RFC 8032): the raw key is 32 bytes. */
        ED25519,
        /**
         * ECDSA on P-256 with SHA-256: the raw key is the 65-byte uncompressed point, a signature is {@code r || s}
         * (64 bytes) with {@code s} at most half the group order.
         */
        ES256
    }

    private SigningPublicKey(Algorithm algorithm, byte[] raw) {
        this.algorithm = algorithm;
        this.raw = raw;
        this.keyId = keyIdOf(raw);
    }

    /**
     * From the raw 32-byte Ed25519 public key.
     *
     * @param raw the 32-byte key
     * @return the key
     * @throws IllegalArgumentException not 32 bytes
     */
    public static SigningPublicKey of(byte[] raw) {
        if (raw == null || raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        }
        return new SigningPublicKey(Algorithm.ED25519, raw.clone());
    }

    /**
     * An ES256 key from its 65-byte uncompressed point ({@code 04 || X || Y}), which must lie on P-256.
     *
     * @param uncompressedPoint the point, 65 bytes
     * @return the key
     * @throws IllegalArgumentException not such a point on P-256
     */
    public static SigningPublicKey p256(byte[] uncompressedPoint) {
        if (!JdkP256.isValidPoint(uncompressedPoint)) {
            throw new IllegalArgumentException("a P-256 public key is a 65-byte uncompressed point on the curve");
        }
        return new SigningPublicKey(Algorithm.ES256, uncompressedPoint.clone());
    }

    /**
     * An ES256 key from its JWK coordinates, 32 bytes each.
     *
     * @param x the x coordinate, 32 bytes big-endian
     * @param y the y coordinate, 32 bytes big-endian
     * @return the key
     * @throws IllegalArgumentException wrong lengths, or not a point on P-256
     */
    public static SigningPublicKey p256(byte[] x, byte[] y) {
        if (x == null || y == null || x.length != 32 || y.length != 32) {
            throw new IllegalArgumentException("P-256 coordinates are 32 bytes each");
        }
        byte[] point = new byte[JdkP256.POINT_LENGTH];
        point[0] = 0x04;
        System.arraycopy(x, 0, point, 1, 32);
        System.arraycopy(y, 0, point, 33, 32);
        return p256(point);
    }

    /**
     * From the raw key as {@link #rawKey()} returns it: 32 bytes are an Ed25519 key, 65 bytes an uncompressed P-256
     * point. The two lengths cannot be confused, so the raw form names its algorithm.
     *
     * @param raw the raw key
     * @return the key
     * @throws IllegalArgumentException neither a 32-byte Ed25519 key nor a 65-byte point on P-256
     */
    public static SigningPublicKey fromRaw(byte[] raw) {
        if (raw != null && raw.length == JdkP256.POINT_LENGTH) {
            return p256(raw);
        }
        return of(raw);
    }

    /**
     * From a PEM {@code PUBLIC KEY} block (SubjectPublicKeyInfo), as {@code openssl pkey -pubout} writes it: an Ed25519
     * key, or a P-256 key with its point uncompressed.
     *
     * @param pem the PEM text
     * @return the key
     * @throws IllegalArgumentException not an Ed25519 or P-256 public key PEM
     */
    public static SigningPublicKey fromPem(String pem) {
        if (pem == null || pem.length() > 1024) {
            throw new IllegalArgumentException("not an Ed25519 or P-256 public key PEM");
        }
        String t = pem.strip();
        if (!t.startsWith(PEM_BEGIN) || !t.endsWith(PEM_END)) {
            throw new IllegalArgumentException("not an Ed25519 or P-256 public key PEM");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(t.substring(PEM_BEGIN.length(), t.length() - PEM_END.length()).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 or P-256 public key PEM");
        }
        return fromSubjectPublicKeyInfo(der);
    }

    /**
     * From a DER SubjectPublicKeyInfo ({@code PublicKey.getEncoded()} of a JDK key): an Ed25519 key, or a P-256 key
     * with its point uncompressed.
     *
     * @param der the SubjectPublicKeyInfo
     * @return the key
     * @throws IllegalArgumentException neither an Ed25519 nor a P-256 public key
     */
    public static SigningPublicKey fromSubjectPublicKeyInfo(byte[] der) {
        byte[] point = JdkP256.pointOfSpki(der);
        if (JdkP256.isValidPoint(point)) {
            return new SigningPublicKey(Algorithm.ES256, point);
        }
        byte[] raw = Arrays.copyOfRange(der, Math.max(0, der.length - 32), der.length);
        if (der.length != 44 || !Arrays.equals(JdkEd25519.spki(raw), der)) {
            throw new IllegalArgumentException("not an Ed25519 or P-256 public key");
        }
        return new SigningPublicKey(Algorithm.ED25519, raw);
    }

    /**
     * The key id of a raw Ed25519 public key, derived from its bytes.
     *
     * @param raw the 32-byte key
     * @return the key id, as token footers name it
     */
    public static String keyIdOf(byte[] raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return "hbs_" + Base64Url.encode(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@return the key id, derived from the key (see {@link #keyIdOf})} */
    public String keyId() {
        return keyId;
    }

    /** {@return the key's algorithm: Ed25519, or ES256 for an issuer key on a token} */
    public Algorithm algorithm() {
        return algorithm;
    }

    /** {@return a copy of the raw key: 32 bytes for Ed25519, the 65-byte uncompressed point for ES256} */
    public byte[] rawKey() {
        return raw.clone();
    }

    /**
     * Whether {@code signature} (64 bytes) is this key's signature over {@code message}, with this key's algorithm:
     * {@code ed25519} for an Ed25519 key, the JDK's ECDSA for an ES256 key (low S only). Never throws for a malformed
     * signature.
     *
     * @param message   the signed bytes
     * @param signature the signature, 64 bytes ({@code r || s} for ES256)
     * @param ed25519   verifies Ed25519 signatures
     * @return whether it verifies
     */
    public boolean verifies(byte[] message, byte[] signature, Ed25519Verifier ed25519) {
        return switch (algorithm) {
            case ED25519 -> ed25519.verify(raw, message, signature);
            case ES256 -> JdkP256.verify(jdkKey(), message, signature);
        };
    }

    /** The ES256 key as the JDK verifies with it; made once per key (two threads may both make it: the same key). */
    private ECPublicKey jdkKey() {
        ECPublicKey k = jdkKey;
        if (k == null) {
            k = JdkP256.publicKey(raw);
            jdkKey = k;
        }
        return k;
    }

    /** {@return the key as a PEM {@code PUBLIC KEY} block, as {@link #fromPem} reads} */
    public String toPem() {
        byte[] spki = algorithm == Algorithm.ES256 ? JdkP256.spki(raw) : JdkEd25519.spki(raw);
        return PEM_BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(spki) + "\n" + PEM_END + "\n";
    }

    /** The JWK members that carry the key: {@code kty}, {@code crv}, {@code x} and, for P-256, {@code y}. */
    java.util.Map<String, String> jwkMembers() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        if (algorithm == Algorithm.ES256) {
            m.put("kty", "EC");
            m.put("crv", "P-256");
            m.put("x", Base64Url.encode(Arrays.copyOfRange(raw, 1, 33)));
            m.put("y", Base64Url.encode(Arrays.copyOfRange(raw, 33, 65)));
        } else {
            m.put("kty", "OKP");
            m.put("crv", "Ed25519");
            m.put("x", Base64Url.encode(raw));
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningPublicKey k && Arrays.equals(k.raw, raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "SigningPublicKey[" + keyId + "]";
    }
}
