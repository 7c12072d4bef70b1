package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.InvalidInputException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** The replay nonces the enrollment and renewal steps remember, and what every attempt carries for them. */
public final class Nonces {
    /** Canonical base64url of 16 to 64 bytes, as the agent protocol sends it. */
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{22,86}");
    private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");
    /** The longest nonce key a store keeps: a fingerprint, a colon and a nonce. */
    public static final int MAX_KEY_LENGTH = 64 + 1 + 86;

    private Nonces() {
    }

    static void check(String nonce) {
        if (nonce == null || !NONCE.matcher(nonce).matches()) {
            throw new InvalidInputException("nonce", "must be 22 to 86 base64url characters");
        }
    }

    /** What every attempt (enrollment or renewal) carries for replay protection and throttling, checked. */
    static void checkAttempt(String agentFingerprint, String nonce, Instant nonceExpiresAt, Instant now, Optional<String> throttleBucket) {
        if (agentFingerprint == null || !FINGERPRINT.matcher(agentFingerprint).matches()) {
            throw new InvalidInputException("agentFingerprint", "must be 64 lower-case hex characters");
        }
        check(nonce);
        Objects.requireNonNull(nonceExpiresAt, "nonceExpiresAt");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(throttleBucket, "throttleBucket");
    }

    /** The key a store remembers a nonce under: scoped to the agent key, so agents cannot collide. */
    static String key(String agentFingerprint, String nonce) {
        return agentFingerprint + ":" + nonce;
    }
}
