package com.heartbeatrm.tpm;

import com.heartbeatrm.tpm.internal.Tpm2;
import com.heartbeatrm.tpm.internal.TpmWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;

/** Public areas for JDK-made keys, for verifier tests that need no TPM (malformed-input properties). */
final class Synthetic {
    private Synthetic() {}

    static KeyPair rsa2048() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    static KeyPair p256() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** An EK public area (template L-1) holding {@code key}. */
    static byte[] ekPublic(RSAPublicKey key) {
        return new TpmWriter().u16(Tpm2.ALG_RSA).u16(Tpm2.ALG_SHA256)
                .u32(Tpm2.FIXED_TPM | Tpm2.FIXED_PARENT | Tpm2.SENSITIVE_DATA_ORIGIN | Tpm2.ADMIN_WITH_POLICY | Tpm2.RESTRICTED
                        | Tpm2.DECRYPT)
                .sized(Tpm2.EK_POLICY).u16(Tpm2.ALG_AES).u16(128).u16(Tpm2.ALG_CFB).u16(Tpm2.ALG_NULL).u16(2048).u32(0)
                .sized(fixed(key.getModulus(), 256)).toByteArray();
    }

    /** An ECDSA P-256 signing public area with the given attributes holding {@code key}. */
    static byte[] eccPublic(ECPublicKey key, int attributes) {
        return new TpmWriter().u16(Tpm2.ALG_ECC).u16(Tpm2.ALG_SHA256).u32(attributes).sized(new byte[0])
                .u16(Tpm2.ALG_NULL).u16(Tpm2.ALG_ECDSA).u16(Tpm2.ALG_SHA256).u16(Tpm2.ECC_NIST_P256).u16(Tpm2.ALG_NULL)
                .sized(fixed(key.getW().getAffineX(), 32)).sized(fixed(key.getW().getAffineY(), 32)).toByteArray();
    }

    static final int AK_ATTRIBUTES = Tpm2.FIXED_TPM | Tpm2.FIXED_PARENT | Tpm2.SENSITIVE_DATA_ORIGIN | Tpm2.USER_WITH_AUTH
            | Tpm2.RESTRICTED | Tpm2.SIGN;

    static byte[] fixed(BigInteger v, int length) {
        byte[] b = v.toByteArray();
        if (b.length == length) {
            return b;
        }
        byte[] out = new byte[length];
        int n = Math.min(b.length, length);
        System.arraycopy(b, b.length - n, out, length - n, n);
        return b.length > length ? Arrays.copyOfRange(b, b.length - length, b.length) : out;
    }
}
