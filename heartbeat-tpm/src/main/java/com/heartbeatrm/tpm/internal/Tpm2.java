package com.heartbeatrm.tpm.internal;

/** The TPM 2.0 constants this client uses (TPM 2.0 Library, Part 2). */
public final class Tpm2 {
    private Tpm2() {}

    public static final int ST_NO_SESSIONS = 0x8001;
    public static final int ST_SESSIONS = 0x8002;
    public static final int ST_ATTEST_CERTIFY = 0x8017;
    public static final int ST_HASHCHECK = 0x8024;
    public static final int GENERATED_VALUE = 0xff544347;

    public static final int CC_NV_READ = 0x0000014E;
    public static final int CC_CREATE_PRIMARY = 0x00000131;
    public static final int CC_ACTIVATE_CREDENTIAL = 0x00000147;
    public static final int CC_CERTIFY = 0x00000148;
    public static final int CC_POLICY_SECRET = 0x00000151;
    public static final int CC_CREATE = 0x00000153;
    public static final int CC_LOAD = 0x00000157;
    public static final int CC_SIGN = 0x0000015D;
    public static final int CC_FLUSH_CONTEXT = 0x00000165;
    public static final int CC_NV_READ_PUBLIC = 0x00000169;
    public static final int CC_READ_PUBLIC = 0x00000173;
    public static final int CC_START_AUTH_SESSION = 0x00000176;
    public static final int CC_GET_RANDOM = 0x0000017B;

    public static final int RH_OWNER = 0x40000001;
    public static final int RH_NULL = 0x40000007;
    public static final int RS_PW = 0x40000009;
    public static final int RH_ENDORSEMENT = 0x4000000B;

    public static final int ALG_RSA = 0x0001;
    public static final int ALG_SHA256 = 0x000B;
    public static final int ALG_AES = 0x0006;
    public static final int ALG_NULL = 0x0010;
    public static final int ALG_RSASSA = 0x0014;
    public static final int ALG_RSAPSS = 0x0016;
    public static final int ALG_ECDSA = 0x0018;
    public static final int ALG_ECC = 0x0023;
    public static final int ALG_CFB = 0x0043;
    public static final int ECC_NIST_P256 = 0x0003;
    public static final int SE_POLICY = 0x01;

    public static final int FIXED_TPM = 0x00000002;
    public static final int FIXED_PARENT = 0x00000010;
    public static final int SENSITIVE_DATA_ORIGIN = 0x00000020;
    public static final int USER_WITH_AUTH = 0x00000040;
    public static final int ADMIN_WITH_POLICY = 0x00000080;
    public static final int NO_DA = 0x00000400;
    public static final int RESTRICTED = 0x00010000;
    public static final int DECRYPT = 0x00020000;
    public static final int SIGN = 0x00040000;

    /** NV index of the RSA 2048 EK certificate (TCG EK Credential Profile). */
    public static final int NV_EK_CERT_RSA = 0x01C00002;
    /** NV index of the ECC NIST P-256 EK certificate. */
    public static final int NV_EK_CERT_ECC = 0x01C0000A;

    /** PolicySecret(TPM_RH_ENDORSEMENT): the authPolicy of the default EK templates (EK Credential Profile, B.3.3). */
    public static final byte[] EK_POLICY = hex("837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa");

    /** Largest command or response this client sends or accepts (TPM implementations use 4096). */
    public static final int MAX_MESSAGE = 8192;
    /** Largest marshalled TPMT_PUBLIC accepted (an RSA 4096 key with a SHA-512 policy fits). */
    public static final int MAX_PUBLIC = 1024;
    public static final int MAX_PRIVATE = 1024;
    public static final int MAX_DIGEST = 64;
    public static final int MAX_NAME = 2 + MAX_DIGEST;

    public static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
