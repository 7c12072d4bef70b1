package com.heartbeatrm.tpm;

import com.heartbeatrm.tpm.internal.Tpm2;
import java.security.MessageDigest;

/**
 * The agent's answer to a {@link com.heartbeatrm.protocol.AttestationChallenge}: the credential its TPM activated, the TPMS_ATTEST of the
 * agent key certified by the attestation key over the challenge's nonce, that attestation's signature (a marshalled
 * TPMT_SIGNATURE) and the agent key's public area. The activated credential is a one-time proof: it is kept out of
 * {@link #toString()} and compared in constant time.
 */
public final class AttestationResponse {
    private final byte[] activatedCredential;
    private final byte[] certifyInfo;
    private final byte[] signature;
    private final byte[] agentKeyPublic;

    /**
     * Copies and bounds the four parts; the verifier parses and judges them.
     *
     * @param activatedCredential the secret TPM2_ActivateCredential released, 1 to {@code Tpm2.MAX_DIGEST} bytes
     * @param certifyInfo         the marshalled TPMS_ATTEST from TPM2_Certify, 1 to 2048 bytes
     * @param signature           the attestation key's marshalled TPMT_SIGNATURE over it, 1 to 256 bytes
     * @param agentKeyPublic      the certified agent key's marshalled TPMT_PUBLIC, 1 to {@code Tpm2.MAX_PUBLIC} bytes
     * @throws IllegalArgumentException a part is empty or larger than its bound
     */
    public AttestationResponse(byte[] activatedCredential, byte[] certifyInfo, byte[] signature, byte[] agentKeyPublic) {
        this.activatedCredential = Bounds.bounded(activatedCredential, Tpm2.MAX_DIGEST, "activated credential");
        this.certifyInfo = Bounds.bounded(certifyInfo, 2048, "certify info");
        this.signature = Bounds.bounded(signature, 256, "signature");
        this.agentKeyPublic = Bounds.bounded(agentKeyPublic, Tpm2.MAX_PUBLIC, "agent key public area");
    }

    /** {@return a copy of the activated credential, for sending it; the verifier compares it in constant time} */
    public byte[] activatedCredential() {
        return activatedCredential.clone();
    }

    boolean credentialMatches(byte[] expected) {
        return MessageDigest.isEqual(activatedCredential, expected);
    }

    /** {@return a copy of the TPMS_ATTEST that certifies the agent key} */
    public byte[] certifyInfo() {
        return certifyInfo.clone();
    }

    /** {@return a copy of the attestation key's TPMT_SIGNATURE over {@link #certifyInfo()}} */
    public byte[] signature() {
        return signature.clone();
    }

    /** {@return a copy of the agent key's public area (marshalled TPMT_PUBLIC)} */
    public byte[] agentKeyPublic() {
        return agentKeyPublic.clone();
    }

    @Override
    public String toString() {
        return "AttestationResponse[]";
    }
}
