package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.core.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * The admin API's bearer token: a secret, so a class that never prints it and compares in constant time. A token
 * given by an operator must carry at least 128 bits of entropy, estimated conservatively from its length and the
 * alphabet it draws on; {@link #generate()} makes one of 192 bits.
 */
public final class AdminToken {
    /** The least entropy a token may have, in bits. */
    public static final int MIN_BITS = 128;
    /** The longest token accepted, in characters. */
    public static final int MAX_LENGTH = 512;
    private final byte[] token;

    private AdminToken(byte[] token) {
        this.token = token;
    }

    /**
     * A new random token: 24 random bytes, base64url: 32 characters, 192 bits.
     *
     * @return the token; {@link #writeTo} it for the operator, {@link #destroy()} it when done
     */
    public static AdminToken generate() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return new AdminToken(Base64.getUrlEncoder().withoutPadding().encodeToString(random).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * An operator's token (from the environment, say). Refused with {@link InvalidInputException} when it is empty,
     * longer than {@link #MAX_LENGTH}, has characters outside printable ASCII, or has less than {@link #MIN_BITS} of
     * estimated entropy; the message never repeats the token.
     *
     * @param text the token as the operator set it
     * @return the token, holding its own copy of the bytes
     * @throws InvalidInputException when {@code text} is refused as above
     */
    public static AdminToken of(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidInputException("adminToken", "is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new InvalidInputException("adminToken", "is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new InvalidInputException("adminToken", "must be printable ASCII without spaces");
            }
        }
        double bits = estimatedBits(text);
        if (bits < MIN_BITS) {
            throw new InvalidInputException("adminToken", String.format("has about %.0f bits of entropy; at least %d are needed"
                    + " (for example 32 random base64url characters)", bits, MIN_BITS));
        }
        return new AdminToken(text.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Entropy estimate: length times log2 of the alphabet its character classes imply (16 for hex, 26 per letter
     * case, 10 for digits, 32 for the rest), scaled down when fewer than 8 distinct characters are used, so that
     * {@code aaaa…} or {@code abababab…} scores low whatever its length. 32 hex digits of a random 128-bit value
     * always pass, and so do 32 random base64url characters (what {@link #generate()} makes); 22 base64url characters
     * of 128 bits may not (without a digit they estimate at 125 bits). A word repeated does not pass.
     */
    static double estimatedBits(String text) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        boolean other = false;
        boolean hex = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 'a' && c <= 'z') {
                lower = true;
                hex &= c <= 'f';
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
                hex = false;
            } else if (c >= '0' && c <= '9') {
                digit = true;
            } else {
                other = true;
                hex = false;
            }
        }
        int alphabet = hex ? 16 : (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 32 : 0);
        long distinct = text.chars().distinct().count();
        double bits = text.length() * Math.log(Math.max(2, alphabet)) / Math.log(2);
        return distinct < 8 ? bits * distinct / 8.0 : bits;
    }

    /**
     * Constant-time comparison with what a request presented.
     *
     * @param presented the bytes of the request's bearer token; null matches nothing
     * @return true when they are this token's bytes
     */
    public boolean matches(byte[] presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(presented, token);
    }

    /**
     * Writes the token to {@code out} for the operator (an owner-only file): the only way it leaves this object.
     *
     * @param out where to write the token's ASCII bytes; not closed
     * @throws java.io.IOException when writing fails
     */
    public void writeTo(java.io.OutputStream out) throws java.io.IOException {
        out.write(token);
    }

    /** Wipes the copy this object holds. */
    public void destroy() {
        Arrays.fill(token, (byte) 0);
    }

    @Override
    public String toString() {
        return "AdminToken[redacted]";
    }
}
