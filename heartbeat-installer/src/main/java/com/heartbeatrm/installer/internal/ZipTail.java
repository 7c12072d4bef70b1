package com.heartbeatrm.installer.internal;

import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The end of a ZIP archive: the end-of-central-directory record (EOCD) and its comment, where the token lives.
 *
 * <p>The EOCD is found by structure: a record signature whose comment length reaches exactly to the end of the
 * file. More than one such position (a fake record inside a comment) is refused as ambiguous. Our tag ends the
 * comment, as ASCII: {@code \n#heartbeatrm-enrollment-token:v1:<token>#}, so a foreign comment before it can be
 * kept byte for byte, and a comment without the marker is never mistaken for ours.
 * ZIP64 archives keep their ZIP64 records untouched: only the EOCD's comment length and the comment change.
 */
public final class ZipTail {
    static final int EOCD_SIG = 0x06054b50;
    static final int EOCD_SIZE = 22;
    static final int MAX_COMMENT = 0xffff;
    public static final String MARKER = "\n#heartbeatrm-enrollment-token:v1:";
    static final String END = "#";

    /** The EOCD position and the comment bytes. */
    public record Eocd(long offset, byte[] comment) {
        public long commentOffset() {
            return offset + EOCD_SIZE;
        }
    }

    private ZipTail() {
    }

    /** Finds the EOCD; empty when the file is not a ZIP archive. */
    public static Optional<Eocd> find(FileChannel ch) throws IOException, InstallerException {
        long size = ch.size();
        if (size < EOCD_SIZE) {
            return Optional.empty();
        }
        int window = (int) Math.min(size, EOCD_SIZE + MAX_COMMENT);
        ByteBuffer tail = PeFile.read(ch, size - window, window);
        Eocd found = null;
        for (int i = window - EOCD_SIZE; i >= 0; i--) {
            if (tail.getInt(i) != EOCD_SIG) {
                continue;
            }
            int commentLength = tail.getShort(i + 20) & 0xffff;
            if (i + EOCD_SIZE + commentLength == window) {
                if (found != null) {
                    throw new InstallerException(Reason.BAD_ZIP, "more than one end-of-central-directory record reaches the end of the file");
                }
                byte[] comment = new byte[commentLength];
                tail.get(i + EOCD_SIZE, comment);
                found = new Eocd(size - window + i, comment);
            }
        }
        if (found == null) {
            // A record exists but its comment length disagrees with the bytes to the end: not ours to guess.
            for (int i = window - EOCD_SIZE; i >= 0; i--) {
                if (tail.getInt(i) == EOCD_SIG && looksLikeZipStart(ch)) {
                    throw new InstallerException(Reason.BAD_ZIP, "the ZIP comment length disagrees with the bytes to the end of the file");
                }
            }
            return Optional.empty();
        }
        long cdOffset = tail.getInt((int) (found.offset() - (size - window)) + 16) & 0xffffffffL;
        long cdSize = tail.getInt((int) (found.offset() - (size - window)) + 12) & 0xffffffffL;
        if (cdOffset != 0xffffffffL && cdSize != 0xffffffffL && cdOffset + cdSize > found.offset()) {
            throw new InstallerException(Reason.BAD_LENGTH, "central directory points past the end-of-central-directory record");
        }
        return Optional.of(found);
    }

    private static boolean looksLikeZipStart(FileChannel ch) throws IOException {
        return ch.size() >= 4 && PeFile.read(ch, 0, 4).getInt(0) == 0x04034b50;
    }

    /** Our token in a comment, if the comment ends with our tag; a marker elsewhere in the comment is an error. */
    public static Optional<String> token(byte[] comment) throws InstallerException {
        String text = new String(comment, StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf(MARKER);
        if (at < 0) {
            return Optional.empty();
        }
        if (text.indexOf(MARKER) != at) {
            throw new InstallerException(Reason.AMBIGUOUS_TAG, "the ZIP comment carries two tags");
        }
        if (!text.endsWith(END) || text.length() < at + MARKER.length() + END.length()) {
            throw new InstallerException(Reason.BAD_ZIP, "the tag does not end the ZIP comment");
        }
        return Optional.of(text.substring(at + MARKER.length(), text.length() - END.length()));
    }

    /** The comment before our tag (a foreign comment, possibly empty). */
    public static byte[] foreignPart(byte[] comment) {
        String text = new String(comment, StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf(MARKER);
        return at < 0 ? comment : text.substring(0, at).getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] tag(String token) {
        return (MARKER + token + END).getBytes(StandardCharsets.US_ASCII);
    }

    /** The 22-byte EOCD record with a new comment length. */
    // Every buffer here comes from ByteBuffer.allocate (PeFile.read/readHeader), so its array starts at offset 0.
    @SuppressWarnings("ByteBufferBackingArray")
    public static byte[] eocdWithCommentLength(FileChannel ch, Eocd eocd, int commentLength) throws IOException {
        ByteBuffer rec = PeFile.read(ch, eocd.offset(), EOCD_SIZE);
        ByteBuffer out = ByteBuffer.allocate(EOCD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        out.put(rec.array(), 0, 20);
        out.putShort((short) commentLength);
        return out.array();
    }
}
