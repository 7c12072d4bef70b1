package com.heartbeatrm.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A file replaced as a whole: written to a temporary file in the same directory (owner-only while it is written),
 * forced to disk, given its final mode, and moved over the target; then the directory is forced too (POSIX), so that
 * the rename itself is on disk when this returns. A reader or a crash sees the old file or the new one, never a mix.
 * The temporary file is removed when anything fails.
 */
public final class AtomicFile {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AtomicFile() {
    }

    /** Writes the new file's content. */
    @FunctionalInterface
    public interface Content<T, X extends Exception> {
        /**
         * Writes the content; the file is forced to disk afterwards.
         *
         * @param ch the temporary file, open for writing, positioned at 0
         * @return what the caller of {@link AtomicFile#replace(Path, Set, Content)} gets back
         * @throws IOException writing failed
         * @throws X          the content's own failure
         */
        T writeTo(FileChannel ch) throws IOException, X;
    }

    /**
     * Replaces {@code target} with what {@code content} writes; {@code mode} is the final POSIX mode (null, or a file
     * system without POSIX modes: the temporary file's owner-only mode stands).
     *
     * @param <T>     what {@code content} returns
     * @param <X>     the content's own checked failure
     * @param target  the file to replace; its directory must exist
     * @param mode    the final POSIX mode, or null
     * @param content writes the new content
     * @return what {@code content} returned
     * @throws IOException creating, writing, forcing or moving failed; the target is unchanged
     * @throws X          {@code content} failed; the target is unchanged
     */
    // JSpecify is read "requires static": modules compiled without it see no annotation, not an error.
    @SuppressWarnings("exports")
    public static <T, X extends Exception> T replace(Path target, @Nullable Set<PosixFilePermission> mode, Content<T, X> content) throws IOException, X {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null) {
            throw new IllegalArgumentException("not a file: " + target);
        }
        String prefix = "." + target.getFileName() + ".";
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path tmp = posix
                ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, prefix, ".tmp");
        try {
            T result;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                result = content.writeTo(ch);
                ch.force(true);
            }
            if (mode != null) {
                try {
                    Files.setPosixFilePermissions(tmp, mode);
                } catch (UnsupportedOperationException notPosix) {
                    // the temporary file's own mode stands
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            if (posix) {
                forceDirectory(dir);
            }
            return result;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the failure that brought us here is the one to report
                }
            }
        }
    }

    /** Forces a directory's entries (a rename into it) to disk. Windows cannot open a directory as a channel; NTFS journals the rename. */
    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Replaces {@code target} with {@code bytes}.
     *
     * @param target the file to replace; its directory must exist
     * @param mode   the final POSIX mode, or null
     * @param bytes  the new content
     * @throws IOException creating, writing, forcing or moving failed; the target is unchanged
     */
    // JSpecify is read "requires static": modules compiled without it see no annotation, not an error.
    @SuppressWarnings("exports")
    public static void replace(Path target, @Nullable Set<PosixFilePermission> mode, byte[] bytes) throws IOException {
        replace(target, mode, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            return bytes.length;
        });
    }
}
