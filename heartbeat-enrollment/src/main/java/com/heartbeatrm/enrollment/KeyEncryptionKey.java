package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.SecretBytes;

/**
 * Encrypts issuer private keys before they reach the store. The host supplies it: {@link AesGcmKeyEncryptionKey}
 * for a key the host holds, or an adapter to a KMS. {@code associatedData} binds a ciphertext to the signing
 * key it belongs to, so ciphertexts cannot be swapped between rows.
 */
public interface KeyEncryptionKey {
    /**
     * A stable, non-secret id of this key-encryption key (stored beside each ciphertext).
     *
     * @return the id; the same on every node and after every restart
     */
    String id();

    /**
     * Encrypts {@code plaintext}, bound to {@code associatedData}. Thread-safe.
     *
     * @param plaintext the secret to wrap (a signing key's seed); not destroyed
     * @param associatedData what the ciphertext is bound to (the key's id); not secret, not stored in the output
     * @return the ciphertext, with whatever nonce it needs
     */
    byte[] wrap(SecretBytes plaintext, byte[] associatedData);

    /**
     * Unwraps what {@link #wrap} wrapped with the same associated data. Thread-safe.
     *
     * @param ciphertext what {@link #wrap} returned
     * @param associatedData the same associated data it was given
     * @return the secret; the caller destroys it when done
     * @throws KeyUnwrapException when the ciphertext or associated data were changed, or another key wrapped it
     */
    SecretBytes unwrap(byte[] ciphertext, byte[] associatedData);
}
