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

    /**
     * Copies and bounds the three parts (an agent builds one from what the server sent).
     *
     * @param credentialBlob  the TPM2B_ID_OBJECT contents, 1 to 1024 bytes
     * @param encryptedSecret the TPM2B_ENCRYPTED_SECRET contents, 1 to 1024 bytes
     * @param nonce           the qualifying data the certification must carry, 1 to 64 bytes
     * @throws IllegalArgumentException a part is empty or larger than its bound
     */
    public CredentialChallenge(byte[] credentialBlob, byte[] encryptedSecret, byte[] nonce) {
        this.credentialBlob = Bounds.bounded(credentialBlob, 1024, "credential blob");
        this.encryptedSecret = Bounds.bounded(encryptedSecret, 1024, "encrypted secret");
        this.nonce = Bounds.bounded(nonce, 64, "nonce");
    }

    /** {@return a copy of the TPM2B_ID_OBJECT contents for TPM2_ActivateCredential} */
    public byte[] credentialBlob() {
        return credentialBlob.clone();
    }

    /** {@return a copy of the TPM2B_ENCRYPTED_SECRET contents, the seed encrypted to the EK} */
    public byte[] encryptedSecret() {
        return encryptedSecret.clone();
    }

    /** {@return a copy of the fresh nonce the TPM must sign over when it certifies the agent key} */
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public String toString() {
        return "CredentialChallenge[]";
    }
}
