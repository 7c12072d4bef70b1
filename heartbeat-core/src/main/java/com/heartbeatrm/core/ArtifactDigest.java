package com.heartbeatrm.core;

import java.util.regex.Pattern;

/**
 * The SHA-256 (lower-case hex) and size of a file: a base installer or a packed one.
 *
 * @param sha256 the digest, 64 lower-case hex characters
 * @param size the size in bytes, not negative
 */
public record ArtifactDigest(String sha256, long size) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    /**
     * Validates the digest's spelling and the size.
     *
     * @param sha256 64 lower-case hex characters
     * @param size bytes, not negative
     * @throws InvalidInputException when either is malformed
     */
    public ArtifactDigest {
        if (sha256 == null || !HEX.matcher(sha256).matches()) {
            throw new InvalidInputException("sha256", "must be 64 lower-case hex characters");
        }
        if (size < 0) {
            throw new InvalidInputException("size", "must not be negative");
        }
    }
}
