package com.heartbeatrm.installer.internal;

import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A script's tag: its last line is a comment, {@value #PREFIX}TOKEN, in the file's own line ending. {@code #} starts
 * a comment in sh, dash, bash, PowerShell, Python, Perl and Ruby, so the script runs exactly as before whether or
 * not it ends with {@code exit}; a file without a final newline first gets one, so the token is never glued to its
 * last command. Read back by structure: the last line, and only the last line.
 */
public final class ScriptTag {
    public static final String PREFIX = "# heartbeat-enrollment-token: ";
    private static final Pattern LINE = Pattern.compile("# heartbeat-enrollment-token: (v4\\.public\\.[A-Za-z0-9_.-]+)(\\r?\\n)");
    private static final String SIGNED_PS1 = "# SIG # Begin signature block";
    /** How much of a text file is checked for being text. */
    private static final int TEXT_PROBE = 64 * 1024;

    private ScriptTag() {
    }

    /** An existing tag line: where it starts, its token, and the file's line ending. */
    public record Found(long lineOffset, String token, String newline) {
    }

    /**
     * True for a {@code #!} script, or a {@code .ps1} (by its name) whose start is text. A signed PowerShell script is
     * refused: appending anything breaks its signature, and it has no place for a tag.
     */
    public static boolean isScript(FileChannel ch, @Nullable String fileName) throws IOException, InstallerException {
        long size = ch.size();
        if (size >= 2) {
            ByteBuffer head = PeFile.read(ch, 0, 2);
            if (head.get(0) == '#' && head.get(1) == '!') {
                return true;
            }
        }
        if (fileName != null && fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".ps1")) {
            ByteBuffer probe = PeFile.read(ch, 0, (int) Math.min(size, TEXT_PROBE));
            for (int i = 0; i < probe.limit(); i++) {
                if (probe.get(i) == 0) {
                    return false;
                }
            }
            long tailStart = Math.max(0, size - 256 * 1024);
            String tail = new String(PeFile.read(ch, tailStart, (int) (size - tailStart)).array(), StandardCharsets.ISO_8859_1);
            if (tail.contains(SIGNED_PS1)) {
                throw new InstallerException(Reason.UNSUPPORTED, "a signed PowerShell script: a tag would break its signature; tag the unsigned"
                        + " script and sign the result, or ship it inside a signed MSI or EXE");
            }
            return true;
        }
        return false;
    }

    /** The tag line at the end of the file, if the last line is one. */
    // Every buffer here comes from ByteBuffer.allocate (PeFile.read/readHeader), so its array starts at offset 0.
    @SuppressWarnings("ByteBufferBackingArray")
    public static Optional<Found> read(FileChannel ch, int maxToken) throws IOException {
        long size = ch.size();
        int window = (int) Math.min(size, maxToken + PREFIX.length() + 4);
        if (window == 0) {
            return Optional.empty();
        }
        ByteBuffer b = PeFile.read(ch, size - window, window);
        String tail = new String(b.array(), 0, b.limit(), StandardCharsets.ISO_8859_1);
        int end = tail.length();
        if (!tail.endsWith("\n")) {
            return Optional.empty();
        }
        int lineStart = tail.lastIndexOf('\n', end - 2) + 1;
        if (lineStart == 0 && size > window) {
            return Optional.empty();
        }
        Matcher m = LINE.matcher(tail.substring(lineStart));
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Found(size - window + lineStart, m.group(1), m.group(2)));
    }

    /** The file's line ending, judged from its last line break (CRLF for a Windows-edited script). */
    public static String newlineOf(FileChannel ch, long end) throws IOException {
        int window = (int) Math.min(end, 4096);
        ByteBuffer b = PeFile.read(ch, end - window, window);
        for (int i = b.limit() - 1; i >= 0; i--) {
            if (b.get(i) == '\n') {
                return i > 0 && b.get(i - 1) == '\r' ? "\r\n" : "\n";
            }
        }
        return "\n";
    }

    /** The bytes to append at {@code end}: a line break if the file lacks a final one, then the tag line. */
    public static byte[] tail(FileChannel ch, long end, String token) throws IOException {
        String nl = newlineOf(ch, end);
        boolean endsWithNewline = end > 0 && PeFile.read(ch, end - 1, 1).get(0) == '\n';
        return ((endsWithNewline ? "" : nl) + PREFIX + token + nl).getBytes(StandardCharsets.US_ASCII);
    }
}
