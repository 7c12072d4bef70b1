package com.heartbeatrm.core.internal;

import com.heartbeatrm.core.InvalidInputException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** SHA-256 fingerprints in the one text form the model keeps: 64 lower-case hex characters. */
public final class Sha256Hex {
    private static final Pattern CANONICAL = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TYPED = Pattern.compile("[0-9A-Fa-f]{64}|[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){31}");

    private Sha256Hex() {
    }

    /** The SHA-256 of {@code bytes}, lower-case hex. */
    public static String of(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** {@code value} if it is already canonical; else {@link InvalidInputException} naming {@code field}. */
    public static String check(String field, String value) {
        if (value == null || !CANONICAL.matcher(value).matches()) {
            throw new InvalidInputException(field, "must be 64 lower-case hex characters (a SHA-256)");
        }
        return value;
    }

    /**
     * A fingerprint as an operator types it (either case, bytes optionally separated by colons as openssl prints them),
     * in canonical form.
     */
    public static String normalize(String field, String typed) {
        String t = typed == null ? "" : typed.strip();
        if (t.length() > 95 || !TYPED.matcher(t).matches()) {
            throw new InvalidInputException(field, "must be a SHA-256: 64 hex characters, optionally in colon-separated pairs");
        }
        return t.replace(":", "").toLowerCase(Locale.ROOT);
    }
}
