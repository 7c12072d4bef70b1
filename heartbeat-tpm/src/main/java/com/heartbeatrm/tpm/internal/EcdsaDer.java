package com.heartbeatrm.tpm.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;

/** An ECDSA (r, s) pair as the DER SEQUENCE of two INTEGERs that JCA's SHA256withECDSA verifies. */
public final class EcdsaDer {
    private EcdsaDer() {}

    public static byte[] encode(byte[] r, byte[] s) {
        byte[] ri = new BigInteger(1, r).toByteArray();
        byte[] si = new BigInteger(1, s).toByteArray();
        ByteArrayOutputStream body = new ByteArrayOutputStream(72);
        integer(body, ri);
        integer(body, si);
        byte[] b = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 3);
        out.write(0x30);
        length(out, b.length);
        out.write(b, 0, b.length);
        return out.toByteArray();
    }

    private static void integer(ByteArrayOutputStream out, byte[] minimal) {
        out.write(0x02);
        length(out, minimal.length);
        out.write(minimal, 0, minimal.length);
    }

    private static void length(ByteArrayOutputStream out, int n) {
        if (n < 0x80) {
            out.write(n);
        } else {
            out.write(0x81);
            out.write(n);
        }
    }
}
