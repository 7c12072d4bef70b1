package com.heartbeatrm.core.internal;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Generates and checks the public ids: a short prefix, an underscore and 128 random bits in base64url. */
public final class RandomIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    /** 22 base64url characters carry 132 bits; the last one must leave its 4 low bits zero (canonical). */
    private static final Pattern BODY = Pattern.compile("[A-Za-z0-9_-]{21}[AQgw]");

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
        if (id.length() != prefix.length() + 23
                || !id.startsWith(prefix + "_")
                || !BODY.matcher(id).region(prefix.length() + 1, id.length()).matches()) {
            throw new com.heartbeatrm.core.InvalidInputException(field,
                    "not a valid " + prefix + " id: " + TextRules.quoteForMessage(id));
        }
        return id;
    }
}
