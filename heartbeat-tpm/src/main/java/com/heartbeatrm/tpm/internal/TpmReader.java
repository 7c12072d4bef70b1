package com.heartbeatrm.tpm.internal;

import java.util.Arrays;

/** Big-endian TPM unmarshalling that never reads past its bounds: a short or overlong input is a {@link Malformed}. */
public final class TpmReader {
    /** A structure that does not parse; the message names the field, never a secret. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        public Malformed(String message) {
            super(message);
        }
    }

    private final byte[] buf;
    private int pos;
    private final int end;

    public TpmReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public TpmReader(byte[] buf, int from, int to) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
    }

    private void need(int n, String what) throws Malformed {
        if (n < 0 || end - pos < n) {
            throw new Malformed("truncated " + what);
        }
    }

    public int u8(String what) throws Malformed {
        need(1, what);
        return buf[pos++] & 0xff;
    }

    public int u16(String what) throws Malformed {
        need(2, what);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    public int u32(String what) throws Malformed {
        need(4, what);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public long u64(String what) throws Malformed {
        long hi = u32(what) & 0xffffffffL;
        return (hi << 32) | (u32(what) & 0xffffffffL);
    }

    public byte[] raw(int n, String what) throws Malformed {
        need(n, what);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    /** A TPM2B of at most {@code max} bytes. */
    public byte[] sized(int max, String what) throws Malformed {
        int n = u16(what);
        if (n > max) {
            throw new Malformed(what + " too long (" + n + " > " + max + ")");
        }
        return raw(n, what);
    }

    /** A TPM2B whose contents are a structure: a reader over exactly those bytes. */
    public TpmReader nested(int max, String what) throws Malformed {
        int n = u16(what);
        if (n > max) {
            throw new Malformed(what + " too long (" + n + " > " + max + ")");
        }
        need(n, what);
        TpmReader r = new TpmReader(buf, pos, pos + n);
        pos += n;
        return r;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return end - pos;
    }

    public void expectEnd(String what) throws Malformed {
        if (pos != end) {
            throw new Malformed("trailing bytes after " + what);
        }
    }
}
