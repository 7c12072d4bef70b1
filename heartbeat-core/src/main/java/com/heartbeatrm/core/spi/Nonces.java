package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.InvalidInputException;
import java.util.regex.Pattern;

/** The shape of the replay nonces the enrollment and renewal steps remember. */
public final class Nonces {
    /** Canonical base64url of 16 to 64 bytes, as the agent protocol sends it. */
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{22,86}");
    /** The longest nonce key a store keeps: a fingerprint, a colon and a nonce. */
    public static final int MAX_KEY_LENGTH = 64 + 1 + 86;

    private Nonces() {
    }

    static void check(String nonce) {
        if (nonce == null || !NONCE.matcher(nonce).matches()) {
            throw new InvalidInputException("nonce", "must be 22 to 86 base64url characters");
        }
    }
}
