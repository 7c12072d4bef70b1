package com.heartbeatrm.protocol;

import java.util.Base64;

/** Canonical base64url only: no padding, no {@code +} or {@code /}, no non-zero trailing bits. */
public final class Base64Url {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {
    }

    /**
     * The canonical base64url text of {@code bytes}: URL alphabet, no padding.
     *
     * @param bytes the bytes
     * @return the text
     */
    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /**
     * The bytes of canonical base64url {@code text}; anything else (padding, other characters, set trailing bits) is
     * refused with a {@link TokenException} whose message names {@code what}, never the text.
     *
     * @param text the text
     * @param what names the field in a refusal
     * @return the bytes
     * @throws TokenException padding, another alphabet or non-zero trailing bits ({@code NON_CANONICAL_ENCODING})
     */
    public static byte[] decode(String text, String what) throws TokenException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                throw new TokenException(TokenException.Reason.NON_CANONICAL_ENCODING, what + " has a character outside base64url");
            }
        }
        if (text.length() % 4 == 1) {
            throw new TokenException(TokenException.Reason.NON_CANONICAL_ENCODING, what + " has an impossible base64url length");
        }
        byte[] bytes = DECODER.decode(text);
        // Re-encoding must give the same text; otherwise unused trailing bits were set.
        if (!ENCODER.encodeToString(bytes).equals(text)) {
            throw new TokenException(TokenException.Reason.NON_CANONICAL_ENCODING, what + " has non-zero trailing bits");
        }
        return bytes;
    }
}
