package com.heartbeatrm.core;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Secret bytes (a private key, a key-encryption key): readable only with a {@link SecretAccess}, never printed,
 * compared in constant time. Instances are immutable; {@link #destroy()} wipes the copy this object holds.
 */
public final class SecretBytes {
    /** The most bytes a secret may hold: 64 KiB. */
    public static final int MAX_LENGTH = 64 * 1024;
    private final byte[] bytes;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Copies {@code bytes}; the caller should wipe its own array afterwards.
     *
     * @param bytes 1 to {@link #MAX_LENGTH} bytes
     * @param access the permission, from {@link SecretAccess#grant()}
     * @return the holder
     * @throws InvalidInputException when the length is out of range or {@code access} is null
     */
    public static SecretBytes copyOf(byte[] bytes, SecretAccess access) {
        require(access);
        if (bytes == null || bytes.length == 0 || bytes.length > MAX_LENGTH) {
            throw new InvalidInputException("secret", "must be 1 to " + MAX_LENGTH + " bytes");
        }
        return new SecretBytes(bytes.clone());
    }

    /**
     * Fresh random bytes from a strong source.
     *
     * @param length 1 to {@link #MAX_LENGTH}
     * @return the holder
     * @throws InvalidInputException when the length is out of range
     */
    public static SecretBytes random(int length) {
        if (length <= 0 || length > MAX_LENGTH) {
            throw new InvalidInputException("length", "must be 1 to " + MAX_LENGTH);
        }
        byte[] b = new byte[length];
        new java.security.SecureRandom().nextBytes(b);
        return new SecretBytes(b);
    }

    /**
     * The secret's length; not itself a secret.
     *
     * @return the number of bytes
     */
    public int length() {
        return bytes.length;
    }

    /**
     * A copy of the secret. The caller owns the copy and should wipe it when done.
     *
     * @param access the permission, from {@link SecretAccess#grant()}
     * @return a new array
     * @throws InvalidInputException when {@code access} is null
     */
    public byte[] toByteArray(SecretAccess access) {
        require(access);
        return bytes.clone();
    }

    /** Overwrites the bytes this object holds with zeros. */
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
    }

    /**
     * Constant-time comparison of two secrets' contents.
     *
     * @param other the other secret, or null
     * @return true when both hold the same bytes
     */
    public boolean equalsSecret(SecretBytes other) {
        return other != null && MessageDigest.isEqual(bytes, other.bytes);
    }

    private static void require(SecretAccess access) {
        if (access == null) {
            throw new InvalidInputException("access", "reading a secret needs SecretAccess.grant()");
        }
    }

    /** Identity equality: a secret is compared only on purpose, with {@link #equalsSecret}. */
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "SecretBytes[" + bytes.length + " bytes, redacted]";
    }
}
