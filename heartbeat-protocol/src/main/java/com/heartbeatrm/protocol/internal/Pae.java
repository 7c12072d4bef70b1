package com.heartbeatrm.protocol.internal;

import java.io.ByteArrayOutputStream;

/** PASETO's pre-authentication encoding: the count, then each piece prefixed by its length, all as LE64. */
public final class Pae {
    private Pae() {
    }

    public static byte[] encode(byte[]... pieces) {
        int total = 8;
        for (byte[] p : pieces) {
            total += 8 + p.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(total);
        le64(out, pieces.length);
        for (byte[] p : pieces) {
            le64(out, p.length);
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void le64(ByteArrayOutputStream out, long n) {
        // The most significant bit is cleared, as the specification requires.
        long v = n & Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            out.write((int) (v & 0xff));
            v >>>= 8;
        }
    }
}
