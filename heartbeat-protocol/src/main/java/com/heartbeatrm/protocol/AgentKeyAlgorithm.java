package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.JdkP256;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Optional;

/**
 * The algorithms an agent key may have, each with its encodings fixed: the wire never carries more than the name,
 * and the name only chooses among these two.
 *
 * <ul>
 * <li>{@link #ED25519} ({@code "ed25519"}): the raw 32-byte public key of RFC 8032; signatures are 64 bytes.</li>
 * <li>{@link #ECDSA_P256} ({@code "ecdsa-p256"}): ECDSA on NIST P-256 with SHA-256, for keys held where Ed25519 is
 * not offered (TPMs, most PKCS#11 tokens). The public key is the 65-byte SEC1 uncompressed point
 * ({@code 04 || X || Y}), which must lie on the curve; the signature is IEEE P1363 {@code r || s}, 64 bytes,
 * each half a big-endian integer padded to 32 bytes. Fixed lengths keep the request's rules as simple as for
 * Ed25519 and leave no DER to parse on untrusted input; a custody whose device signs in DER (a TPM, PKCS#11)
 * converts with {@link #p1363FromDer}.</li>
 * </ul>
 * The fingerprint that names an agent key ({@link AgentSigningKey#fingerprintOf}) is SHA-256 of its encoding
 * here, so keys of the two algorithms never share a fingerprint (their encodings differ in length).
 */
public enum AgentKeyAlgorithm {
    /** Ed25519 (RFC 8032); the default, and what a request without {@code keyAlgorithm} uses. */
    ED25519("ed25519", 32),
    /** ECDSA over NIST P-256 with SHA-256; SEC1 uncompressed public keys, P1363 signatures. */
    ECDSA_P256("ecdsa-p256", 65);

    /** The length of every agent-key signature, for both algorithms. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final BigInteger P = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger B = new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);

    private final String wireName;
    private final int publicKeyLength;

    AgentKeyAlgorithm(String wireName, int publicKeyLength) {
        this.wireName = wireName;
        this.publicKeyLength = publicKeyLength;
    }

    /** {@return the name on the wire and in stored state: {@code ed25519} or {@code ecdsa-p256}} */
    public String wireName() {
        return wireName;
    }

    /** {@return the length of the public key's fixed encoding: 32 or 65 bytes} */
    public int publicKeyLength() {
        return publicKeyLength;
    }

    /**
     * The algorithm with this exact wire name.
     *
     * @param name a wire name, as {@link #wireName()} gives it
     * @return the algorithm; empty for anything else (never a guess, never case-folded)
     */
    public static Optional<AgentKeyAlgorithm> ofWireName(String name) {
        for (AgentKeyAlgorithm a : values()) {
            if (a.wireName.equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code publicKey} is a well-formed key of this algorithm: the right length, and for P-256 the
     * uncompressed prefix and coordinates below the field prime that satisfy the curve equation (which also
     * excludes the point at infinity, which has no such encoding). Ed25519 keys are checked by the verifier.
     *
     * @param publicKey the encoded key; null is not valid
     * @return whether it is such a key
     */
    public boolean isValidPublicKey(byte[] publicKey) {
        if (publicKey == null || publicKey.length != publicKeyLength) {
            return false;
        }
        if (this == ED25519) {
            return true;
        }
        if (publicKey[0] != 0x04) {
            return false;
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(publicKey, 1, 33));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(publicKey, 33, 65));
        if (x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(P);
        BigInteger right = x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(B).mod(P);
        return left.equals(right);
    }

    /**
     * Whether {@code signature} is a valid signature of this algorithm by {@code publicKey} over {@code message}.
     * Ed25519 goes to {@code ed25519} (the caller's verifier, e.g. a faster one on a server); P-256 to the JDK's
     * provider. Never throws for a malformed key or signature: that is simply not valid.
     *
     * @param publicKey the signer's encoded public key
     * @param message   the signed bytes
     * @param signature the signature, 64 bytes (P1363 {@code r||s} for P-256)
     * @param ed25519   verifies Ed25519 signatures
     * @return whether it verifies
     */
    public boolean verify(byte[] publicKey, byte[] message, byte[] signature, Ed25519Verifier ed25519) {
        if (!isValidPublicKey(publicKey) || signature == null || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        if (this == ED25519) {
            return ed25519.verify(publicKey, message, signature);
        }
        // Checked above: the point is not validated again, and the JDK's objects are made once (per thread).
        return JdkP256.verifyAnyS(JdkP256.publicKey(publicKey), message, signature);
    }

    /**
     * A JDK public key for a valid SEC1 uncompressed P-256 point.
     *
     * @param sec1 the 65-byte point
     * @return the key
     * @throws IllegalArgumentException not a point on P-256
     */
    public static ECPublicKey p256PublicKey(byte[] sec1) {
        if (!ECDSA_P256.isValidPublicKey(sec1)) {
            throw new IllegalArgumentException("not a P-256 public key");
        }
        return JdkP256.publicKey(sec1);
    }

    /**
     * The SEC1 uncompressed encoding (65 bytes) of a P-256 public key, from any provider.
     *
     * @param key a P-256 public key
     * @return the 65-byte point
     * @throws IllegalArgumentException not a P-256 public key
     */
    public static byte[] sec1Of(PublicKey key) {
        if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256
                || !ec.getParams().getCurve().getB().equals(B)) {
            throw new IllegalArgumentException("not a P-256 public key");
        }
        byte[] out = new byte[65];
        out[0] = 0x04;
        fixed(ec.getW().getAffineX(), out, 1);
        fixed(ec.getW().getAffineY(), out, 33);
        return out;
    }

    /**
     * Converts a DER ECDSA signature ({@code SEQUENCE { INTEGER r, INTEGER s }}, as a TPM or a PKCS#11 provider's
     * {@code SHA256withECDSA} returns it) to the 64-byte P1363 form the wire carries. Refuses (IllegalArgumentException)
     * anything that is not exactly such a DER value with r and s of at most 32 significant bytes.
     *
     * @param der the DER signature, at most 72 bytes
     * @return the 64-byte {@code r||s}
     */
    public static byte[] p1363FromDer(byte[] der) {
        if (der == null || der.length < 8 || der.length > 72 || der[0] != 0x30 || (der[1] & 0xff) != der.length - 2) {
            throw new IllegalArgumentException("not a DER ECDSA P-256 signature");
        }
        byte[] out = new byte[SIGNATURE_LENGTH];
        int at = derInteger(der, 2, out, 0);
        if (derInteger(der, at, out, 32) != der.length) {
            throw new IllegalArgumentException("not a DER ECDSA P-256 signature");
        }
        return out;
    }

    private static int derInteger(byte[] der, int at, byte[] out, int offset) {
        if (at + 2 > der.length || der[at] != 0x02) {
            throw new IllegalArgumentException("not a DER ECDSA P-256 signature");
        }
        int len = der[at + 1] & 0xff;
        int start = at + 2;
        if (len < 1 || len > 33 || start + len > der.length) {
            throw new IllegalArgumentException("not a DER ECDSA P-256 signature");
        }
        BigInteger v = new BigInteger(Arrays.copyOfRange(der, start, start + len));
        if (v.signum() <= 0 || v.bitLength() > 256) {
            throw new IllegalArgumentException("not a DER ECDSA P-256 signature");
        }
        fixed(v, out, offset);
        return start + len;
    }

    private static void fixed(BigInteger v, byte[] out, int offset) {
        byte[] b = v.toByteArray();
        int skip = b.length > 32 ? b.length - 32 : 0;
        System.arraycopy(b, skip, out, offset + 32 - (b.length - skip), b.length - skip);
    }
}
