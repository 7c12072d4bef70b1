package com.heartbeatrm.tpm;

/**
 * What the server sends back: a credential only the agent's TPM can activate (TPM2B_ID_OBJECT and
 * TPM2B_ENCRYPTED_SECRET contents, bound to the EK and to the attestation key's name), and a fresh nonce the TPM must
 * sign over when it certifies the agent key. Made by {@link AttestationVerifier#challenge}.
 */
public final class CredentialChallenge {
    private final byte[] credentialBlob;
    private final byte[] encryptedSecret;
    private final byte[] nonce;

    public CredentialChallenge(byte[] credentialBlob, byte[] encryptedSecret, byte[] nonce) {
        this.credentialBlob = AttestationRequest.bounded(credentialBlob, 1024, "credential blob");
        this.encryptedSecret = AttestationRequest.bounded(encryptedSecret, 1024, "encrypted secret");
        this.nonce = AttestationRequest.bounded(nonce, 64, "nonce");
    }

    public byte[] credentialBlob() {
        return credentialBlob.clone();
    }

    public byte[] encryptedSecret() {
        return encryptedSecret.clone();
    }

    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public String toString() {
        return "CredentialChallenge[]";
    }
}
