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

    /** {@return the key's ECDSA P-256 public key} */
    public PublicKey publicKey() {
        return blob.publicKey();
    }

    /** {@return the wrapped blob this key signs with, to keep on disk} */
    public TpmKeyBlob blob() {
        return blob;
    }

    /**
     * Signs SHA-256({@code message}) in the TPM.
     *
     * @param message the bytes to sign
     * @return the ECDSA signature in DER (as the JDK's {@code SHA256withECDSA} verifies)
     * @throws TpmException this TPM cannot load the key, or the TPM failed
     */
    public byte[] sign(byte[] message) throws TpmException {
        return tpm.sign(blob, message);
    }

    @Override
    public String toString() {
        return "TpmSigningKey[ECDSA P-256]";
    }
}
