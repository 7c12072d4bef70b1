package com.heartbeatrm.protocol.internal;

import java.io.CharConversionException;

/**
 * JSON text on the wire is UTF-8 (RFC 8259 section 8.1), without a byte order mark. jackson-core, given bytes, guesses
 * the encoding: it skips a UTF-8 BOM and reads UTF-16 and UTF-32 (with or without a BOM, found by the NUL bytes of the
 * first four, as RFC 4627 section 3 describes), so the same document could be sent in five encodings. {@link #check}
 * refuses all but UTF-8 before the parser sees the bytes, and with them every malformed sequence (overlong forms,
 * surrogates, code points past U+10FFFF, truncated sequences), which the parser would otherwise read leniently or not
 * at all. After it, the parser's guess can only be UTF-8. One pass, no copy; the message names the byte offset, never
 * the bytes.
 */
public final class Utf8 {
    private Utf8() {
    }

    /** The bytes are not UTF-8 JSON text. A {@link CharConversionException}, so readers of bytes may treat it as any other I/O refusal. */
    public static final class NotUtf8Exception extends CharConversionException {
        private static final long serialVersionUID = 1L;

        NotUtf8Exception(String message) {
            super(message);
        }
    }

    /** Refuses a byte order mark, UTF-16 or UTF-32 (any NUL byte: JSON text never holds one raw) and malformed UTF-8. */
    public static void check(byte[] b) throws NotUtf8Exception {
        int n = b.length;
        if (n >= 2 && ((b[0] == (byte) 0xFE && b[1] == (byte) 0xFF) || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE))) {
            throw new NotUtf8Exception("not UTF-8: a UTF-16 or UTF-32 byte order mark");
        }
        if (n >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF) {
            throw new NotUtf8Exception("not UTF-8 JSON: it starts with a byte order mark");
        }
        for (int i = 0; i < Math.min(n, 4); i++) {
            if (b[i] == 0) {
                throw new NotUtf8Exception("not UTF-8: NUL bytes in the first four, as UTF-16 or UTF-32 text has");
            }
        }
        int i = 0;
        while (i < n) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                if (c == 0) {
                    throw new NotUtf8Exception("not UTF-8 JSON: a NUL byte at offset " + i);
                }
                i++;
                continue;
            }
            int length;
            int low = 0x80;
            int high = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                length = 2;
            } else if (c >= 0xE0 && c <= 0xEF) {
                length = 3;
                if (c == 0xE0) {
                    low = 0xA0; // shorter forms are overlong
                } else if (c == 0xED) {
                    high = 0x9F; // ED A0..BF encodes a surrogate
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                length = 4;
                if (c == 0xF0) {
                    low = 0x90; // shorter forms are overlong
                } else if (c == 0xF4) {
                    high = 0x8F; // beyond U+10FFFF
                }
            } else {
                throw new NotUtf8Exception("not UTF-8: an invalid byte at offset " + i);
            }
            if (i + length > n) {
                throw new NotUtf8Exception("not UTF-8: a sequence cut short at offset " + i);
            }
            int second = b[i + 1] & 0xFF;
            if (second < low || second > high) {
                throw new NotUtf8Exception("not UTF-8: a malformed sequence at offset " + i);
            }
            for (int k = 2; k < length; k++) {
                int next = b[i + k] & 0xFF;
                if (next < 0x80 || next > 0xBF) {
                    throw new NotUtf8Exception("not UTF-8: a malformed sequence at offset " + i);
                }
            }
            i += length;
        }
    }
}
