package com.heartbeatrm.core.internal;

import java.security.SecureRandom;
import java.util.Base64;

/** Generates and checks the public ids: a short prefix, an underscore and 128 random bits in base64url. */
public final class RandomIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private RandomIds() {
    }

    public static String next(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + "_" + ENCODER.encodeToString(bytes);
    }

    /** Returns the id unchanged when it is well-formed, else throws with a message naming the field. */
    public static String check(String field, String prefix, String id) {
        if (id == null) {
            throw new com.heartbeatrm.core.InvalidInputException(field, "must not be null");
        }
        if (!wellFormed(prefix, id)) {
            throw new com.heartbeatrm.core.InvalidInputException(field,
                    "not a valid " + prefix + " id: " + TextRules.quoteForMessage(id));
        }
        return id;
    }

    /**
     * {@code PREFIX_[A-Za-z0-9_-]{21}[AQgw]}: 22 base64url characters carry 132 bits; the last one must leave its 4 low
     * bits zero (canonical). Checked by hand: ids are read with every stored row, and a regular expression per id was a
     * measurable share of a request's CPU.
     */
    static boolean wellFormed(String prefix, String id) {
        int start = prefix.length() + 1;
        if (id.length() != start + 22 || !id.startsWith(prefix) || id.charAt(start - 1) != '_') {
            return false;
        }
        for (int i = start; i < id.length() - 1; i++) {
            char c = id.charAt(i);
            boolean alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!alnum && c != '-' && c != '_') {
                return false;
            }
        }
        char last = id.charAt(id.length() - 1);
        return last == 'A' || last == 'Q' || last == 'g' || last == 'w';
    }
}
