package com.heartbeatrm.agent;

import com.heartbeatrm.agent.internal.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The identity in one file, {@code identity.json}, in a directory of the agent's own. On POSIX systems the
 * directory is made owner-only ({@code 0700}) and the file is {@code 0600}. Each save writes a temporary file in the
 * same directory, forces it to disk and moves it over the old one, so a crash leaves the old or the new identity,
 * never a mix. The file holds the agent's private key: nothing here prints it.
 */
public final class FileAgentIdentityStore implements AgentIdentityStore {
    public static final String FILE_NAME = "identity.json";
    private static final int MAX_FILE = 64 * 1024;
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private final Path dir;
    private final Path file;

    private FileAgentIdentityStore(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
    }

    /** A store in {@code dir} (created on first save). */
    public static FileAgentIdentityStore in(Path dir) {
        return new FileAgentIdentityStore(Objects.requireNonNull(dir, "dir").toAbsolutePath());
    }

    public Path file() {
        return file;
    }

    @Override
    public Optional<AgentIdentity> load() throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file");
        }
        byte[] bytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() > MAX_FILE) {
                throw new IOException(file + " is larger than " + MAX_FILE + " bytes: not an agent identity");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read it all
            }
            bytes = buf.array();
        }
        try {
            return Optional.of(AgentIdentity.fromStateBytes(bytes));
        } catch (AgentIdentity.InvalidStateException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    @Override
    public void save(AgentIdentity identity) throws IOException {
        Objects.requireNonNull(identity, "identity");
        if (POSIX) {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            }
            Files.setPosixFilePermissions(dir, OWNER_DIR);
        } else {
            Files.createDirectories(dir);
        }
        AtomicFile.replace(file, OWNER_FILE, identity.toStateBytes());
    }

    @Override
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public String toString() {
        return "FileAgentIdentityStore[" + file + "]";
    }
}
