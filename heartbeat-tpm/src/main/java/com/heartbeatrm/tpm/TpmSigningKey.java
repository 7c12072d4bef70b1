package com.heartbeatrm.tpm;

import java.security.PublicKey;

/**
 * An ECDSA P-256 key that lives in a TPM. {@link #sign} returns a DER signature over SHA-256 of the message that
 * {@code Signature.getInstance("SHA256withECDSA")} verifies with {@link #publicKey()}.
 */
public final class TpmSigningKey {
    private final Tpm tpm;
    private final TpmKeyBlob blob;

    TpmSigningKey(Tpm tpm, TpmKeyBlob blob) {
        this.tpm = tpm;
        this.blob = blob;
    }

    public PublicKey publicKey() {
        return blob.publicKey();
    }

    public TpmKeyBlob blob() {
        return blob;
    }

    /** Signs SHA-256({@code message}) in the TPM; fails with {@link TpmException} if this TPM cannot load the key. */
    public byte[] sign(byte[] message) throws TpmException {
        return tpm.sign(blob, message);
    }

    @Override
    public String toString() {
        return "TpmSigningKey[ECDSA P-256]";
    }
}
