package com.heartbeatrm.installer;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What packing produced: the format, and the SHA-256 (lower-case hex) and size of the base and of the tagged
 * installer.
 *
 * @param format       the format the base was recognised as
 * @param baseSha256   the base file's SHA-256, 64 lower-case hex digits
 * @param baseSize     the base file's size in bytes
 * @param outputSha256 the tagged installer's SHA-256, 64 lower-case hex digits
 * @param outputSize   the tagged installer's size in bytes
 */
public record PackResult(InstallerFormat format, String baseSha256, long baseSize, String outputSha256, long outputSize) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    /**
     * Refuses digests that are not 64 lower-case hex digits and negative sizes.
     *
     * @param format       the format the base was recognised as
     * @param baseSha256   the base file's SHA-256
     * @param baseSize     the base file's size in bytes, not negative
     * @param outputSha256 the tagged installer's SHA-256
     * @param outputSize   the tagged installer's size in bytes, not negative
     */
    public PackResult {
        Objects.requireNonNull(format, "format");
        if (baseSha256 == null || !HEX.matcher(baseSha256).matches() || outputSha256 == null || !HEX.matcher(outputSha256).matches()) {
            throw new IllegalArgumentException("digests: 64 lower-case hex characters");
        }
        if (baseSize < 0 || outputSize < 0) {
            throw new IllegalArgumentException("sizes: not negative");
        }
    }
}
