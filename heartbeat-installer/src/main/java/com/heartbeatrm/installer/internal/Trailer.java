package com.heartbeatrm.installer.internal;

import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Any other file (shell installer, ELF, unsigned PE, MSI for now): the token's ASCII text appended, then a fixed
 * 48-byte footer: marker {@code HBRMTAG} (7 bytes), version (1 byte, 1), token length (4 bytes, big-endian),
 * SHA-256 of the token (32 bytes), and the marker again (4 bytes {@code HBRM}). Read from the end of the file.
 */
public final class Trailer {
    static final byte[] MARKER = "HBRMTAG".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "HBRM".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    public static final int FOOTER = 7 + 1 + 4 + 32 + 4;

    /** A trailer: where the token starts, and the token. */
    public record Found(long tokenOffset, String token) {
    }

    private Trailer() {
    }

    // Every buffer here comes from ByteBuffer.allocate (PeFile.read/readHeader), so its array starts at offset 0.
    @SuppressWarnings("ByteBufferBackingArray")
    private static boolean hasFooter(ByteBuffer f) {
        return Arrays.equals(Arrays.copyOfRange(f.array(), 0, 7), MARKER) && Arrays.equals(Arrays.copyOfRange(f.array(), FOOTER - 4, FOOTER), END);
    }

    /** The trailer ending at {@code end}, if one does; a footer that is there but wrong is an error. */
    // Every buffer here comes from ByteBuffer.allocate (PeFile.read/readHeader), so its array starts at offset 0.
    @SuppressWarnings("ByteBufferBackingArray")
    public static Optional<Found> read(FileChannel ch, long end, int maxToken) throws IOException, InstallerException {
        if (end < FOOTER) {
            return Optional.empty();
        }
        ByteBuffer f = PeFile.read(ch, end - FOOTER, FOOTER);
        f.order(java.nio.ByteOrder.BIG_ENDIAN);
        if (!hasFooter(f)) {
            return Optional.empty();
        }
        if ((f.get(7) & 0xff) != VERSION) {
            throw new InstallerException(Reason.BAD_FOOTER, "unknown footer version " + (f.get(7) & 0xff));
        }
        long length = f.getInt(8) & 0xffffffffL;
        if (length == 0 || length > maxToken) {
            throw new InstallerException(Reason.BAD_LENGTH, "footer token length out of range");
        }
        if (length > end - FOOTER) {
            throw new InstallerException(Reason.TRUNCATED, "footer token length points before the start of the file");
        }
        long tokenOffset = end - FOOTER - length;
        byte[] token = new byte[(int) length];
        PeFile.read(ch, tokenOffset, token.length).get(token);
        byte[] hash = Arrays.copyOfRange(f.array(), 12, 44);
        if (!MessageDigest.isEqual(sha256(token), hash)) {
            throw new InstallerException(Reason.BAD_FOOTER, "the footer's SHA-256 does not match the token");
        }
        return Optional.of(new Found(tokenOffset, new String(token, StandardCharsets.ISO_8859_1)));
    }

    public static byte[] build(String token) {
        byte[] t = token.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(t.length + FOOTER);
        out.put(t).put(MARKER).put((byte) VERSION).putInt(t.length).put(sha256(t)).put(END);
        return out.array();
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
