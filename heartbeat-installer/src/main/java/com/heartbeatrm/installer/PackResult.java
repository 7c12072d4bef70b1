package com.heartbeatrm.installer;

import java.util.Objects;

/** What packing produced: the format, and the digests of the base and of the tagged installer. */
public record PackResult(InstallerFormat format, FileDigest base, FileDigest output) {
    public PackResult {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(output, "output");
    }
}
