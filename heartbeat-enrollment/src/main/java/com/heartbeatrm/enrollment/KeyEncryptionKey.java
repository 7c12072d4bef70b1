package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.SecretBytes;

/**
 * Encrypts issuer private keys before they reach the store. The host supplies it: {@link AesGcmKeyEncryptionKey}
 * for a key the host holds, or an adapter to a KMS. {@code associatedData} binds a ciphertext to the signing
 * key it belongs to, so ciphertexts cannot be swapped between rows.
 */
public interface KeyEncryptionKey {
    /** A stable, non-secret id of this key-encryption key (stored beside each ciphertext). */
    String id();

    byte[] wrap(SecretBytes plaintext, byte[] associatedData);

    /**
     * Unwraps what {@link #wrap} wrapped with the same associated data.
     *
     * @throws KeyUnwrapException when the ciphertext or associated data were changed, or another key wrapped it
     */
    SecretBytes unwrap(byte[] ciphertext, byte[] associatedData);
}
