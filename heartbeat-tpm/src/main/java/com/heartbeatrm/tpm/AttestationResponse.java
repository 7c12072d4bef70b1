package com.heartbeatrm.tpm;

import com.heartbeatrm.tpm.internal.Tpm2;
import java.security.MessageDigest;

/**
 * The agent's answer to a {@link CredentialChallenge}: the credential its TPM activated, the TPMS_ATTEST of the
 * agent key certified by the attestation key over the challenge's nonce, that attestation's signature (a marshalled
 * TPMT_SIGNATURE) and the agent key's public area. The activated credential is a one-time proof: it is kept out of
 * {@link #toString()} and compared in constant time.
 */
public final class AttestationResponse {
    private final byte[] activatedCredential;
    private final byte[] certifyInfo;
    private final byte[] signature;
    private final byte[] agentKeyPublic;

    public AttestationResponse(byte[] activatedCredential, byte[] certifyInfo, byte[] signature, byte[] agentKeyPublic) {
        this.activatedCredential = AttestationRequest.bounded(activatedCredential, Tpm2.MAX_DIGEST, "activated credential");
        this.certifyInfo = AttestationRequest.bounded(certifyInfo, 2048, "certify info");
        this.signature = AttestationRequest.bounded(signature, 256, "signature");
        this.agentKeyPublic = AttestationRequest.bounded(agentKeyPublic, Tpm2.MAX_PUBLIC, "agent key public area");
    }

    /** The activated credential, for sending it; compare with {@link #credentialMatches}. */
    public byte[] activatedCredential() {
        return activatedCredential.clone();
    }

    boolean credentialMatches(byte[] expected) {
        return MessageDigest.isEqual(activatedCredential, expected);
    }

    public byte[] certifyInfo() {
        return certifyInfo.clone();
    }

    public byte[] signature() {
        return signature.clone();
    }

    public byte[] agentKeyPublic() {
        return agentKeyPublic.clone();
    }

    @Override
    public String toString() {
        return "AttestationResponse[]";
    }
}
