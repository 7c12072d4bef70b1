package com.heartbeatrm.installer;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What packing produced: the format, and the SHA-256 (lower-case hex) and size of the base and of the tagged
 * installer.
 */
public record PackResult(InstallerFormat format, String baseSha256, long baseSize, String outputSha256, long outputSize) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

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
