package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.Base64Url;
import com.heartbeatrm.protocol.internal.JdkEd25519;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * An issuer's Ed25519 public key, as agents pin it. Its key id is derived from the key itself
 * ({@code hbs_} + the first 128 bits of SHA-256 of the raw key, base64url), so an id can never be paired with
 * the wrong key.
 */
public final class SigningPublicKey {
    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";
    private final byte[] raw;
    private final String keyId;

    private SigningPublicKey(byte[] raw) {
        this.raw = raw;
        this.keyId = keyIdOf(raw);
    }

    /**
     * From the raw 32-byte Ed25519 public key.
     *
     * @param raw the 32-byte key
     * @return the key
     * @throws IllegalArgumentException not 32 bytes
     */
    public static SigningPublicKey of(byte[] raw) {
        if (raw == null || raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes");
        }
        return new SigningPublicKey(raw.clone());
    }

    /**
     * From a PEM {@code PUBLIC KEY} block (SubjectPublicKeyInfo), as {@code openssl pkey -pubout} writes it.
     *
     * @param pem the PEM text
     * @return the key
     * @throws IllegalArgumentException not an Ed25519 public key PEM
     */
    public static SigningPublicKey fromPem(String pem) {
        if (pem == null || pem.length() > 1024) {
            throw new IllegalArgumentException("not an Ed25519 public key PEM");
        }
        String t = pem.strip();
        if (!t.startsWith(PEM_BEGIN) || !t.endsWith(PEM_END)) {
            throw new IllegalArgumentException("not an Ed25519 public key PEM");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(t.substring(PEM_BEGIN.length(), t.length() - PEM_END.length()).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key PEM");
        }
        byte[] raw = Arrays.copyOfRange(der, Math.max(0, der.length - 32), der.length);
        if (der.length != 44 || !Arrays.equals(JdkEd25519.spki(raw), der)) {
            throw new IllegalArgumentException("not an Ed25519 public key PEM");
        }
        return new SigningPublicKey(raw);
    }

    /**
     * The key id of a raw Ed25519 public key, derived from its bytes.
     *
     * @param raw the 32-byte key
     * @return the key id, as token footers name it
     */
    public static String keyIdOf(byte[] raw) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return "hbs_" + Base64Url.encode(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@return the key id, derived from the key (see {@link #keyIdOf})} */
    public String keyId() {
        return keyId;
    }

    /** {@return a copy of the raw 32-byte key} */
    public byte[] rawKey() {
        return raw.clone();
    }

    byte[] rawKeyUnsafe() {
        return raw;
    }

    /** {@return the key as a PEM {@code PUBLIC KEY} block, as {@link #fromPem} reads} */
    public String toPem() {
        return PEM_BEGIN + "\n" + Base64.getEncoder().encodeToString(JdkEd25519.spki(raw)) + "\n" + PEM_END + "\n";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningPublicKey k && Arrays.equals(k.raw, raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "SigningPublicKey[" + keyId + "]";
    }
}
