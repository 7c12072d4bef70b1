package com.heartbeatrm.tpm;

import java.util.Objects;

/** Copies a byte string that the TPM side reads from the agent or the server, refusing it empty or too long. */
final class Bounds {
    private Bounds() {
    }

    static byte[] bounded(byte[] b, int max, String what) {
        Objects.requireNonNull(b, what);
        if (b.length == 0 || b.length > max) {
            throw new IllegalArgumentException(what + " must be 1.." + max + " bytes, got " + b.length);
        }
        return b.clone();
    }
}
