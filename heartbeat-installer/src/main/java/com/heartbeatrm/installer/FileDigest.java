package com.heartbeatrm.installer;

import java.util.Objects;

/** SHA-256 (lower-case hex) and size of a file. */
public record FileDigest(String sha256, long size) {
    public FileDigest {
        Objects.requireNonNull(sha256, "sha256");
    }
}
