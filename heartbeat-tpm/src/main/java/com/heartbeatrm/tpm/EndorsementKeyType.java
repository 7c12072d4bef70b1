package com.heartbeatrm.tpm;

import com.heartbeatrm.tpm.internal.Templates;
import com.heartbeatrm.tpm.internal.Tpm2;

/** The endorsement keys this module uses: the TCG EK Credential Profile's default templates and certificate indexes. */
public enum EndorsementKeyType {
    /** RSA 2048, template L-1; certificate at NV 0x01C00002. Every TPM provisions it. */
    RSA_2048(Tpm2.NV_EK_CERT_RSA),
    /** ECC NIST P-256, template L-2; certificate at NV 0x01C0000A. */
    ECC_P256(Tpm2.NV_EK_CERT_ECC);

    private final int certificateIndex;

    EndorsementKeyType(int certificateIndex) {
        this.certificateIndex = certificateIndex;
    }

    int certificateIndex() {
        return certificateIndex;
    }

    byte[] template() {
        return this == RSA_2048 ? Templates.endorsementKeyRsa2048() : Templates.endorsementKeyEccP256();
    }
}
