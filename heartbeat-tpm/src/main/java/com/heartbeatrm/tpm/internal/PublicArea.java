package com.heartbeatrm.tpm.internal;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;

/**
 * A parsed TPMT_PUBLIC (RSA or ECC; other types are refused), kept with its exact bytes: the object's name is the
 * hash of those bytes, so they are never re-marshalled.
 */
public final class PublicArea {
    private final byte[] encoded;
    private final int type;
    private final int nameAlg;
    private final int attributes;
    private final byte[] authPolicy;
    private final int symmetric;
    private final int symmetricBits;
    private final int scheme;
    private final int schemeHash;
    private final int curve;
    private final int rsaBits;
    private final int rsaExponent;
    private final byte[] uniqueX;
    private final byte[] uniqueY;

    private PublicArea(byte[] encoded, TpmReader r) throws TpmReader.Malformed {
        this.encoded = encoded;
        type = r.u16("public.type");
        nameAlg = r.u16("public.nameAlg");
        if (nameAlg != Tpm2.ALG_SHA256) {
            throw new TpmReader.Malformed("public.nameAlg is not SHA-256");
        }
        attributes = r.u32("public.objectAttributes");
        authPolicy = r.sized(Tpm2.MAX_DIGEST, "public.authPolicy");
        symmetric = r.u16("public.symmetric");
        if (symmetric != Tpm2.ALG_NULL) {
            symmetricBits = r.u16("public.symmetric.keyBits");
            r.u16("public.symmetric.mode");
        } else {
            symmetricBits = 0;
        }
        scheme = r.u16("public.scheme");
        schemeHash = scheme == Tpm2.ALG_NULL ? 0 : r.u16("public.scheme.hash");
        if (type == Tpm2.ALG_ECC) {
            curve = r.u16("public.curveID");
            int kdf = r.u16("public.kdf");
            if (kdf != Tpm2.ALG_NULL) {
                r.u16("public.kdf.hash");
            }
            rsaBits = 0;
            rsaExponent = 0;
            uniqueX = r.sized(128, "public.unique.x");
            uniqueY = r.sized(128, "public.unique.y");
        } else if (type == Tpm2.ALG_RSA) {
            curve = 0;
            rsaBits = r.u16("public.keyBits");
            rsaExponent = r.u32("public.exponent");
            uniqueX = r.sized(512, "public.unique.rsa");
            uniqueY = new byte[0];
        } else {
            throw new TpmReader.Malformed("public.type is neither RSA nor ECC");
        }
        r.expectEnd("public area");
    }

    /** Parses the contents of a TPM2B_PUBLIC (the marshalled TPMT_PUBLIC). */
    public static PublicArea parse(byte[] tpmtPublic) throws TpmReader.Malformed {
        if (tpmtPublic.length > Tpm2.MAX_PUBLIC) {
            throw new TpmReader.Malformed("public area too long");
        }
        byte[] copy = tpmtPublic.clone();
        return new PublicArea(copy, new TpmReader(copy));
    }

    public byte[] encoded() {
        return encoded.clone();
    }

    public int type() {
        return type;
    }

    public int attributes() {
        return attributes;
    }

    public boolean has(int attribute) {
        return (attributes & attribute) == attribute;
    }

    public byte[] authPolicy() {
        return authPolicy.clone();
    }

    public int symmetric() {
        return symmetric;
    }

    public int symmetricBits() {
        return symmetricBits;
    }

    public int scheme() {
        return scheme;
    }

    public int schemeHash() {
        return schemeHash;
    }

    public int curve() {
        return curve;
    }

    /** TPM2B_NAME contents: the name algorithm, then the hash of the public area. */
    public byte[] name() {
        return name(encoded);
    }

    public static byte[] name(byte[] tpmtPublic) {
        byte[] digest = sha256(tpmtPublic);
        byte[] n = new byte[2 + digest.length];
        n[0] = (byte) (Tpm2.ALG_SHA256 >>> 8);
        n[1] = (byte) Tpm2.ALG_SHA256;
        System.arraycopy(digest, 0, n, 2, digest.length);
        return n;
    }

    /** The key as a JCA public key: RSA, or ECC on NIST P-256 (other curves are refused). */
    public PublicKey toPublicKey() throws TpmReader.Malformed {
        try {
            if (type == Tpm2.ALG_RSA) {
                BigInteger e = BigInteger.valueOf(rsaExponent == 0 ? 65537 : rsaExponent & 0xffffffffL);
                if (uniqueX.length * 8 != rsaBits) {
                    throw new TpmReader.Malformed("RSA modulus length does not match keyBits");
                }
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(new BigInteger(1, uniqueX), e));
            }
            if (curve != Tpm2.ECC_NIST_P256 || uniqueX.length != 32 || uniqueY.length != 32) {
                throw new TpmReader.Malformed("ECC key is not a NIST P-256 point");
            }
            ECPoint w = new ECPoint(new BigInteger(1, uniqueX), new BigInteger(1, uniqueY));
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, p256()));
        } catch (GeneralSecurityException e) {
            throw new TpmReader.Malformed("public key is not a valid " + (type == Tpm2.ALG_RSA ? "RSA" : "P-256") + " key");
        }
    }

    /** Whether this public area holds the same key as {@code key} (RSA modulus and exponent, or EC point). */
    public boolean sameKey(PublicKey key) {
        try {
            PublicKey mine = toPublicKey();
            if (mine instanceof RSAPublicKey a && key instanceof RSAPublicKey b) {
                return a.getModulus().equals(b.getModulus()) && a.getPublicExponent().equals(b.getPublicExponent());
            }
            if (mine instanceof ECPublicKey a && key instanceof ECPublicKey b) {
                return a.getW().equals(b.getW()) && a.getParams().getCurve().equals(b.getParams().getCurve());
            }
            return false;
        } catch (TpmReader.Malformed e) {
            return false;
        }
    }

    private static final ECParameterSpec P256 = loadP256();

    private static ECParameterSpec loadP256() {
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            return params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks NIST P-256", e);
        }
    }

    public static ECParameterSpec p256() {
        return P256;
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicArea p && Arrays.equals(encoded, p.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "PublicArea[type=0x" + Integer.toHexString(type) + ", attributes=0x" + Integer.toHexString(attributes) + "]";
    }
}
