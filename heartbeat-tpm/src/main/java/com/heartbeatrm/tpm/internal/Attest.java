package com.heartbeatrm.tpm.internal;

/** A TPMS_ATTEST of type TPM_ST_ATTEST_CERTIFY, parsed strictly; other types are refused. */
public record Attest(byte[] qualifiedSigner, byte[] extraData, long clock, int resetCount, int restartCount,
        byte[] certifiedName, byte[] certifiedQualifiedName) {

    public static Attest parseCertify(byte[] attest) throws TpmReader.Malformed {
        if (attest.length > 2048) {
            throw new TpmReader.Malformed("attestation structure too long");
        }
        TpmReader r = new TpmReader(attest);
        if (r.u32("attest.magic") != Tpm2.GENERATED_VALUE) {
            throw new TpmReader.Malformed("attest.magic is not TPM_GENERATED_VALUE");
        }
        if (r.u16("attest.type") != Tpm2.ST_ATTEST_CERTIFY) {
            throw new TpmReader.Malformed("attest.type is not TPM_ST_ATTEST_CERTIFY");
        }
        byte[] signer = r.sized(Tpm2.MAX_NAME, "attest.qualifiedSigner");
        byte[] extra = r.sized(Tpm2.MAX_DIGEST, "attest.extraData");
        long clock = r.u64("attest.clockInfo.clock");
        int resets = r.u32("attest.clockInfo.resetCount");
        int restarts = r.u32("attest.clockInfo.restartCount");
        r.u8("attest.clockInfo.safe");
        r.u64("attest.firmwareVersion");
        byte[] name = r.sized(Tpm2.MAX_NAME, "attest.certify.name");
        byte[] qualified = r.sized(Tpm2.MAX_NAME, "attest.certify.qualifiedName");
        r.expectEnd("attest");
        return new Attest(signer, extra, clock, resets, restarts, name, qualified);
    }

    /** A marshalled TPMT_SIGNATURE (ECDSA, SHA-256) as DER; anything else is refused. */
    public static byte[] ecdsaSignatureToDer(byte[] tpmtSignature) throws TpmReader.Malformed {
        TpmReader r = new TpmReader(tpmtSignature);
        if (r.u16("signature.sigAlg") != Tpm2.ALG_ECDSA) {
            throw new TpmReader.Malformed("signature is not ECDSA");
        }
        if (r.u16("signature.hash") != Tpm2.ALG_SHA256) {
            throw new TpmReader.Malformed("signature hash is not SHA-256");
        }
        byte[] sr = r.sized(32, "signature.r");
        byte[] ss = r.sized(32, "signature.s");
        r.expectEnd("signature");
        return EcdsaDer.encode(sr, ss);
    }

    /** Marshals an ECDSA/SHA-256 TPMT_SIGNATURE. */
    public static byte[] ecdsaSignature(byte[] r, byte[] s) {
        return new TpmWriter().u16(Tpm2.ALG_ECDSA).u16(Tpm2.ALG_SHA256).sized(r).sized(s).toByteArray();
    }
}
