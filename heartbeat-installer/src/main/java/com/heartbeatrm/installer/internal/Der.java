package com.heartbeatrm.installer.internal;

import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict DER reader and a small DER writer. The reader accepts only definite, minimally encoded lengths and
 * single-byte tags (all that PKCS#7 and X.509 use), checks every length against the enclosing element, and
 * refuses anything else as BER; nesting is bounded.
 */
public final class Der {
    public static final int SEQUENCE = 0x30;
    public static final int SET = 0x31;
    public static final int OID = 0x06;
    public static final int OCTET_STRING = 0x04;
    public static final int INTEGER = 0x02;
    public static final int BIT_STRING = 0x03;
    public static final int UTC_TIME = 0x17;
    public static final int UTF8_STRING = 0x0c;
    public static final int BOOLEAN = 0x01;
    private static final int MAX_DEPTH = 32;

    private Der() {
    }

    /** One element: tag, and where its content lies in the buffer. */
    public record Element(int tag, int start, int contentStart, int end) {
        public int contentLength() {
            return end - contentStart;
        }

        public boolean constructed() {
            return (tag & 0x20) != 0;
        }
    }

    /** Reads the element at {@code offset}, which must end at or before {@code limit}. */
    public static Element read(byte[] b, int offset, int limit) throws InstallerException {
        if (offset + 2 > limit) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "DER element truncated");
        }
        int tag = b[offset] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "multi-byte DER tags are not used by Authenticode");
        }
        int first = b[offset + 1] & 0xff;
        int pos = offset + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else if (first == 0x80) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "indefinite length (BER) where DER is required");
        } else {
            int n = first & 0x7f;
            if (n > 4 || pos + n > limit) {
                throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "DER length field too long or truncated");
            }
            if ((b[pos] & 0xff) == 0) {
                throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "DER length with leading zero (not minimal)");
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                length = (length << 8) | (b[pos + i] & 0xff);
            }
            if (length < 0x80 || (n > 1 && length < (1L << (8 * (n - 1))))) {
                throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "DER length not minimally encoded");
            }
            pos += n;
        }
        if (length > limit - pos) {
            throw new InstallerException(Reason.BAD_LENGTH, "DER length points past its container");
        }
        return new Element(tag, offset, pos, pos + (int) length);
    }

    /** The children of a constructed element, which must exactly fill it. */
    public static List<Element> children(byte[] b, Element parent) throws InstallerException {
        if (!parent.constructed()) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "expected a constructed DER element");
        }
        List<Element> out = new ArrayList<>();
        int pos = parent.contentStart();
        while (pos < parent.end()) {
            Element e = read(b, pos, parent.end());
            out.add(e);
            pos = e.end();
            if (out.size() > 10_000) {
                throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "too many DER elements");
            }
        }
        return out;
    }

    /** Checks that a whole buffer is one well-formed DER tree (every constructed element parses, bounded depth). */
    public static Element parseTree(byte[] b, int offset, int limit) throws InstallerException {
        Element root = read(b, offset, limit);
        check(b, root, 0);
        return root;
    }

    private static void check(byte[] b, Element e, int depth) throws InstallerException {
        if (depth > MAX_DEPTH) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "DER nested too deeply");
        }
        if (e.constructed()) {
            for (Element c : children(b, e)) {
                check(b, c, depth + 1);
            }
        }
    }

    public static byte[] content(byte[] b, Element e) {
        byte[] out = new byte[e.contentLength()];
        System.arraycopy(b, e.contentStart(), out, 0, out.length);
        return out;
    }

    // ---- writing ----

    public static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        writeLength(out, content.length);
        out.writeBytes(content);
        return out.toByteArray();
    }

    public static byte[] seq(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        return tlv(tag, content.toByteArray());
    }

    public static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else if (length < 0x1000000) {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x84);
            out.write(length >>> 24);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
    }

    /** Encodes a dotted OID such as {@code 2.25.1234…} (arcs may exceed 64 bits). */
    public static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        java.math.BigInteger first = new java.math.BigInteger(arcs[0]).multiply(java.math.BigInteger.valueOf(40))
                .add(new java.math.BigInteger(arcs[1]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, first);
        for (int i = 2; i < arcs.length; i++) {
            base128(out, new java.math.BigInteger(arcs[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, java.math.BigInteger v) {
        int groups = Math.max(1, (v.bitLength() + 6) / 7);
        for (int g = groups - 1; g >= 0; g--) {
            int bits = v.shiftRight(7 * g).intValue() & 0x7f;
            out.write(g == 0 ? bits : bits | 0x80);
        }
    }
}
