package com.heartbeatrm.tpm.internal;

import java.io.ByteArrayOutputStream;

/** Big-endian TPM marshalling into a growing buffer. */
public final class TpmWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    public TpmWriter u8(int v) {
        out.write(v);
        return this;
    }

    public TpmWriter u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public TpmWriter u32(int v) {
        u16(v >>> 16);
        return u16(v & 0xffff);
    }

    public TpmWriter u64(long v) {
        u32((int) (v >>> 32));
        return u32((int) v);
    }

    public TpmWriter raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    /** A TPM2B: a 16-bit size, then the bytes. */
    public TpmWriter sized(byte[] b) {
        if (b.length > 0xffff) {
            throw new IllegalArgumentException("TPM2B too long: " + b.length);
        }
        u16(b.length);
        return raw(b);
    }

    public int size() {
        return out.size();
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
