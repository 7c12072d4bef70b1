package com.heartbeatrm.installer.internal;

import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An {@code ar} archive (a Debian package is one): the token goes in a member of its own, {@value #MEMBER}, appended
 * as the last member, so the archive stays valid for {@code ar} and {@code dpkg} (which ignores members whose name
 * starts with an underscore). Read back by walking the member headers from the start.
 */
public final class ArTag {
    public static final String MEMBER = "_heartbeat_tag";
    static final byte[] MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 60;
    private static final int MAX_MEMBERS = 1024;

    private ArTag() {
    }

    public static boolean looksLikeAr(FileChannel ch) throws IOException {
        return ch.size() >= MAGIC.length && java.util.Arrays.equals(PeFile.read(ch, 0, MAGIC.length).array(), MAGIC);
    }

    /** Our member: where its header starts, and the token. */
    public record Found(long offset, String token) {
    }

    /** Walks the members; returns our tag member if it is the last one. Any malformed header is refused. */
    public static Optional<Found> read(FileChannel ch, int maxToken) throws IOException, InstallerException {
        long size = ch.size();
        long pos = MAGIC.length;
        Found found = null;
        int members = 0;
        while (pos < size) {
            if (++members > MAX_MEMBERS) {
                throw new InstallerException(Reason.UNSUPPORTED, "an ar archive with more than " + MAX_MEMBERS + " members");
            }
            if (pos + HEADER > size) {
                throw new InstallerException(Reason.TRUNCATED, "an ar member header runs past the end");
            }
            byte[] h = PeFile.read(ch, pos, HEADER).array();
            if (h[58] != '`' || h[59] != '\n') {
                throw new InstallerException(Reason.BAD_LENGTH, "an ar member header is malformed");
            }
            String name = new String(h, 0, 16, StandardCharsets.US_ASCII).strip();
            long length;
            try {
                length = Long.parseLong(new String(h, 48, 10, StandardCharsets.US_ASCII).strip());
            } catch (NumberFormatException e) {
                throw new InstallerException(Reason.BAD_LENGTH, "an ar member size is not a number");
            }
            if (length < 0 || length > size - pos - HEADER) {
                throw new InstallerException(Reason.BAD_LENGTH, "an ar member runs past the end");
            }
            if (found != null) {
                throw new InstallerException(Reason.AMBIGUOUS_TAG, "members after the tag member");
            }
            if (name.equals(MEMBER) || name.equals(MEMBER + "/")) {
                if (length == 0 || length > maxToken) {
                    throw new InstallerException(Reason.BAD_TOKEN, "the tag member's size is out of range");
                }
                found = new Found(pos, new String(PeFile.read(ch, pos + HEADER, (int) length).array(), StandardCharsets.ISO_8859_1));
            }
            pos += HEADER + length + (length % 2);
        }
        return Optional.ofNullable(found);
    }

    /** The member to append: header, the token, and a newline when the length is odd. */
    public static byte[] member(String token) {
        byte[] t = token.getBytes(StandardCharsets.US_ASCII);
        String header = String.format("%-16s%-12s%-6s%-6s%-8s%-10s`\n", MEMBER, "0", "0", "0", "100644", t.length);
        ByteBuffer b = ByteBuffer.allocate(HEADER + t.length + (t.length % 2));
        b.put(header.getBytes(StandardCharsets.US_ASCII)).put(t);
        if (t.length % 2 == 1) {
            b.put((byte) '\n');
        }
        return b.array();
    }
}
