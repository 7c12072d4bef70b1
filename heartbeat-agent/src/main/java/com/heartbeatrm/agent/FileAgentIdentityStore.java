package com.heartbeatrm.agent;

import com.heartbeatrm.agent.internal.AtomicFile;
import com.heartbeatrm.agent.internal.Base64Url;
import com.heartbeatrm.agent.internal.StrictJson;
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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The identity in one file, {@code identity.json}, in a directory of the agent's own; while an enrollment awaits
 * its answer, its key pair in a second one, {@code enrolling.json}. On POSIX systems the
 * directory is made owner-only ({@code 0700}) and the file is {@code 0600}. Each save writes a temporary file in the
 * same directory, forces it to disk and moves it over the old one, so a crash leaves the old or the new identity,
 * never a mix. The file holds the agent's private key: nothing here prints it.
 */
public final class FileAgentIdentityStore implements AgentIdentityStore {
    public static final String FILE_NAME = "identity.json";
    /** The file that holds an enrollment's key pair until its identity is saved. */
    public static final String ENROLLING_FILE_NAME = "enrolling.json";
    private static final Set<String> ENROLLING_FIELDS = Set.of("v", "organizationId", "publicKey", "privateKey");
    private static final int MAX_FILE = 64 * 1024;
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private final Path dir;
    private final Path file;
    private final Path enrolling;

    private FileAgentIdentityStore(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
        this.enrolling = dir.resolve(ENROLLING_FILE_NAME);
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
        Optional<byte[]> bytes = read(file);
        try {
            return bytes.isEmpty() ? Optional.empty() : Optional.of(AgentIdentity.fromStateBytes(bytes.get()));
        } catch (AgentIdentity.InvalidStateException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    @Override
    public void save(AgentIdentity identity) throws IOException {
        Objects.requireNonNull(identity, "identity");
        write(file, identity.toStateBytes());
    }

    /** Forgets the identity, and any enrollment key kept, so that the next enrollment is a new agent. */
    @Override
    public void delete() throws IOException {
        Files.deleteIfExists(enrolling);
        Files.deleteIfExists(file);
    }

    @Override
    public void saveEnrollmentKey(String organizationId, AgentKeyPair keys) throws IOException {
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(keys, "keys");
        write(enrolling, StrictJson.write(Map.of("v", 1, "organizationId", organizationId, "publicKey", Base64Url.encode(keys.publicKey()),
                "privateKey", Base64Url.encode(keys.exportPrivateKeyPkcs8()))));
    }

    @Override
    public Optional<AgentKeyPair> enrollmentKey(String organizationId) throws IOException {
        Objects.requireNonNull(organizationId, "organizationId");
        Optional<byte[]> bytes = read(enrolling);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        try {
            Map<String, Object> m = StrictJson.parseObject(bytes.get(), MAX_FILE);
            StrictJson.onlyMembers(m, ENROLLING_FIELDS);
            if (StrictJson.requireInteger(m, "v") != 1) {
                throw new IOException(enrolling + ": unknown version");
            }
            if (!StrictJson.requireString(m, "organizationId").equals(organizationId)) {
                return Optional.empty();
            }
            return Optional.of(AgentKeyPair.restore(Base64Url.decode(StrictJson.requireString(m, "privateKey"), "privateKey"),
                    Base64Url.decode(StrictJson.requireString(m, "publicKey"), "publicKey")));
        } catch (StrictJson.JsonException | TokenException | IllegalArgumentException e) {
            throw new IOException(enrolling + ": malformed enrollment key: " + e.getMessage());
        }
    }

    @Override
    public void deleteEnrollmentKey() throws IOException {
        Files.deleteIfExists(enrolling);
    }

    private void write(Path target, byte[] bytes) throws IOException {
        if (POSIX) {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            }
            Files.setPosixFilePermissions(dir, OWNER_DIR);
        } else {
            Files.createDirectories(dir);
        }
        AtomicFile.replace(target, OWNER_FILE, bytes);
    }

    /** The file's bytes, at most {@code MAX_FILE} of them; empty when there is no file. Never follows a link. */
    private static Optional<byte[]> read(Path f) throws IOException {
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(f + " is not a regular file");
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() > MAX_FILE) {
                throw new IOException(f + " is larger than " + MAX_FILE + " bytes: not agent state");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read it all
            }
            return Optional.of(buf.array());
        }
    }

    @Override
    public String toString() {
        return "FileAgentIdentityStore[" + file + "]";
    }
}
