package com.heartbeatrm.tpm.internal;

/** The key templates this client creates, as marshalled TPMT_PUBLIC. */
public final class Templates {
    private Templates() {}

    /** The storage root key: ECC NIST P-256, AES-128-CFB, per the TCG Provisioning Guidance (7.5.1). */
    public static byte[] storagePrimaryEccP256() {
        return eccP256Parent(Tpm2.USER_WITH_AUTH | Tpm2.NO_DA, new byte[0]);
    }

    /** The RSA 2048 endorsement key, template L-1 of the TCG EK Credential Profile (B.3.3). */
    public static byte[] endorsementKeyRsa2048() {
        TpmWriter w = new TpmWriter();
        w.u16(Tpm2.ALG_RSA).u16(Tpm2.ALG_SHA256)
                .u32(Tpm2.FIXED_TPM | Tpm2.FIXED_PARENT | Tpm2.SENSITIVE_DATA_ORIGIN | Tpm2.ADMIN_WITH_POLICY
                        | Tpm2.RESTRICTED | Tpm2.DECRYPT)
                .sized(Tpm2.EK_POLICY)
                .u16(Tpm2.ALG_AES).u16(128).u16(Tpm2.ALG_CFB)
                .u16(Tpm2.ALG_NULL)
                .u16(2048).u32(0)
                .sized(new byte[256]);
        return w.toByteArray();
    }

    /** The ECC NIST P-256 endorsement key, template L-2 of the TCG EK Credential Profile (B.3.4). */
    public static byte[] endorsementKeyEccP256() {
        return eccP256Parent(Tpm2.ADMIN_WITH_POLICY, Tpm2.EK_POLICY);
    }

    /**
     * A restricted decryption (parent) key, ECC NIST P-256 with AES-128-CFB and empty unique fields: the storage root
     * key and the ECC endorsement key differ only in how it is authorized ({@code authorization} attributes and the
     * {@code authPolicy} digest).
     */
    private static byte[] eccP256Parent(int authorization, byte[] authPolicy) {
        TpmWriter w = new TpmWriter();
        w.u16(Tpm2.ALG_ECC).u16(Tpm2.ALG_SHA256)
                .u32(Tpm2.FIXED_TPM | Tpm2.FIXED_PARENT | Tpm2.SENSITIVE_DATA_ORIGIN | authorization | Tpm2.RESTRICTED | Tpm2.DECRYPT)
                .sized(authPolicy)
                .u16(Tpm2.ALG_AES).u16(128).u16(Tpm2.ALG_CFB)
                .u16(Tpm2.ALG_NULL)
                .u16(Tpm2.ECC_NIST_P256)
                .u16(Tpm2.ALG_NULL)
                .sized(new byte[32]).sized(new byte[32]);
        return w.toByteArray();
    }

    /**
     * An ECDSA P-256 / SHA-256 key with an empty password, created inside the TPM and bound to it and to its parent.
     * A restricted one is an attestation key: the TPM signs with it only what it generated itself.
     */
    public static byte[] signingKeyEccP256(boolean restricted) {
        int attributes = Tpm2.FIXED_TPM | Tpm2.FIXED_PARENT | Tpm2.SENSITIVE_DATA_ORIGIN | Tpm2.USER_WITH_AUTH | Tpm2.NO_DA
                | Tpm2.SIGN | (restricted ? Tpm2.RESTRICTED : 0);
        return eccSigning(attributes);
    }

    /** A signing key with the given attributes, for tests that need a key the verifier must refuse. */
    public static byte[] eccSigning(int attributes) {
        TpmWriter w = new TpmWriter();
        w.u16(Tpm2.ALG_ECC).u16(Tpm2.ALG_SHA256).u32(attributes)
                .sized(new byte[0])
                .u16(Tpm2.ALG_NULL)
                .u16(Tpm2.ALG_ECDSA).u16(Tpm2.ALG_SHA256)
                .u16(Tpm2.ECC_NIST_P256)
                .u16(Tpm2.ALG_NULL)
                .sized(new byte[0]).sized(new byte[0]);
        return w.toByteArray();
    }
}
