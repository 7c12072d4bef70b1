package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM key wrapping with a 256-bit key the host holds (from a secrets manager, a file readable only by
 * the service, an environment variable). Ciphertext layout: version byte {@code 1}, 12-byte random nonce, then
 * the GCM ciphertext and its 16-byte tag.
 */
public final class AesGcmKeyEncryptionKey implements KeyEncryptionKey {
    private static final byte VERSION = 1;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private final String id;
    private final SecretBytes key;

    private AesGcmKeyEncryptionKey(String id, SecretBytes key) {
        this.id = id;
        this.key = key;
    }

    /**
     * A key-encryption key over an AES-256 key held in memory.
     *
     * @param id a non-secret name for this key, e.g. {@code "kek-2026-11"}: 1 to 200 of {@code A-Z a-z 0-9 _ . : / -}
     * @param key the 32-byte AES-256 key; held, not copied: do not destroy it while this object is in use
     * @return the key-encryption key; thread-safe
     * @throws InvalidInputException when the id or the key's length is refused
     */
    public static AesGcmKeyEncryptionKey of(String id, SecretBytes key) {
        if (id == null || !id.matches("[A-Za-z0-9_.:/-]{1,200}")) {
            throw new InvalidInputException("id", "1 to 200 of A-Z a-z 0-9 _ . : / -");
        }
        if (key == null || key.length() != 32) {
            throw new InvalidInputException("key", "an AES-256 key-encryption key is 32 bytes");
        }
        return new AesGcmKeyEncryptionKey(id, key);
    }

    /**
     * A fresh random key, for tests and first-time setup.
     *
     * @param id a non-secret name for this key, as {@link #of} takes it
     * @return a key over 32 random bytes from the system's strong source
     */
    public static AesGcmKeyEncryptionKey generate(String id) {
        return of(id, SecretBytes.random(32));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public byte[] wrap(SecretBytes plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        byte[] clear = plaintext.toByteArray(SecretAccess.grant());
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, nonce);
            c.updateAAD(associatedData);
            byte[] sealed = c.doFinal(clear);
            return ByteBuffer.allocate(1 + NONCE + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            Arrays.fill(clear, (byte) 0);
        }
    }

    @Override
    public SecretBytes unwrap(byte[] ciphertext, byte[] associatedData) {
        if (ciphertext == null || ciphertext.length < 1 + NONCE + TAG_BITS / 8 + 1 || ciphertext[0] != VERSION) {
            throw new KeyUnwrapException("wrapped key has an unknown format");
        }
        byte[] clear = null;
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, Arrays.copyOfRange(ciphertext, 1, 1 + NONCE));
            c.updateAAD(associatedData);
            clear = c.doFinal(ciphertext, 1 + NONCE, ciphertext.length - 1 - NONCE);
            return SecretBytes.copyOf(clear, SecretAccess.grant());
        } catch (AEADBadTagException e) {
            throw new KeyUnwrapException("wrapped key does not authenticate under key-encryption key " + id);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        } finally {
            if (clear != null) {
                Arrays.fill(clear, (byte) 0);
            }
        }
    }

    private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] raw = key.toByteArray(SecretAccess.grant());
        try {
            c.init(mode, new SecretKeySpec(raw, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        return c;
    }

    @Override
    public String toString() {
        return "AesGcmKeyEncryptionKey[" + id + "]";
    }
}
