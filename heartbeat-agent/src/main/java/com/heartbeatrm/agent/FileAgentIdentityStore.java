package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.TokenException;

import com.heartbeatrm.protocol.StrictJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The identity in one file, {@code identity.json}, in a directory of the agent's own; while an enrollment awaits
 * its answer, its key pair in a second one, {@code enrolling.json}. Each save writes a temporary file in the same
 * directory, forces it to disk, moves it over the old one and forces the directory, so a crash leaves the old or the
 * new identity, never a mix. The files hold the agent's private key: nothing here prints it.
 *
 * <h2>The directory is the agent's own</h2>
 * Every call looks at the directory and the file it reads without following links, and refuses
 * ({@link UnsafeStateException}, which an {@link EnrollmentClient} reports as
 * {@link EnrollmentClientException.Kind#IDENTITY_STORE}) a directory or file that is a symbolic link, is not a
 * directory or regular file, is owned by another user, or is open to others: a directory writable by group or
 * others, a file with any group or other permission. So another local user can neither hand the agent a key pair of
 * theirs nor redirect where it writes. A missing directory is created owner-only: on POSIX systems with mode
 * {@code 0700} in the {@code mkdir} itself (nothing is ever chmod-ed, so no link is followed), its files {@code 0600}.
 * The directory's ancestors are the installer's choice and are not judged.
 *
 * <p>On Windows (a file system without POSIX modes) this is the best the JDK allows: links and other reparse points
 * are refused, the owner is compared through {@link java.nio.file.attribute.FileOwnerAttributeView} (a member of
 * Administrators running elevated owns its files as that group, and that owner is accepted), a new directory gets
 * an ACL granting its owner alone (inherited by its files), and, where {@link java.nio.file.attribute.AclFileAttributeView}
 * is available, an ACL entry that lets anyone but the owner, {@code SYSTEM} or {@code Administrators} write the
 * directory, or read or write a file, is refused. A file system with neither owners nor ACLs (FAT) cannot be judged.
 */
public final class FileAgentIdentityStore implements AgentIdentityStore {
    /** The file in the store's directory that holds the identity (the {@link AgentIdentity#toStateBytes()} form). */
    public static final String FILE_NAME = "identity.json";
    /** The file that holds an enrollment's key pair until its identity is saved. */
    public static final String ENROLLING_FILE_NAME = "enrolling.json";
    private static final Set<String> ENROLLING_FIELDS = java.util.stream.Stream.concat(Stream.of("v", "organizationId"),
            KeyRecord.FIELDS.stream()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final int MAX_FILE = 64 * 1024;
    private final Path dir;
    private final Path file;
    private final Path enrolling;
    private final AgentKeyCustody custody;

    private FileAgentIdentityStore(Path dir, AgentKeyCustody custody) {
        this.dir = dir;
        this.custody = Objects.requireNonNull(custody, "custody");
        this.file = dir.resolve(FILE_NAME);
        this.enrolling = dir.resolve(ENROLLING_FILE_NAME);
    }

    /**
     * A store in {@code dir}, created owner-only on first save, with the agent's Ed25519 key in its files; what it
     * refuses is in the class comment.
     *
     * @param dir the directory, made absolute; need not exist yet
     * @return the store; nothing is read or created until it is used
     */
    public static FileAgentIdentityStore in(Path dir) {
        return in(dir, AgentKeyCustody.software());
    }

    /**
     * A store in {@code dir} whose agent key {@code custody} holds. The files record the custody's name and the key's
     * reference; a state whose key is in another custody, or that {@code custody} does not hold (the directory was
     * copied to another computer or token), is refused on {@link #load} with {@link KeyCustodyException}.
     *
     * @param dir     the directory, made absolute; need not exist yet
     * @param custody the custody that holds (or will generate) the agent's key
     * @return the store; nothing is read or created until it is used
     */
    public static FileAgentIdentityStore in(Path dir, AgentKeyCustody custody) {
        return new FileAgentIdentityStore(Objects.requireNonNull(dir, "dir").toAbsolutePath(), custody);
    }

    @Override
    public AgentKeyCustody keyCustody() {
        return custody;
    }

    /** {@return the identity file: {@value #FILE_NAME} in the store's directory} */
    public Path file() {
        return file;
    }

    @Override
    public Optional<AgentIdentity> load() throws IOException, UnsafeStateException, KeyCustodyException {
        Optional<byte[]> bytes = read(file);
        try {
            return bytes.isEmpty() ? Optional.empty() : Optional.of(AgentIdentity.fromStateBytes(bytes.get(), custody));
        } catch (AgentIdentity.InvalidStateException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    @Override
    public void save(AgentIdentity identity) throws IOException, UnsafeStateException {
        Objects.requireNonNull(identity, "identity");
        write(file, identity.toStateBytes());
    }

    /**
     * Forgets the identity, and any enrollment key kept, so that the next enrollment is a new agent; then has the
     * custody {@linkplain AgentKeyCustody#destroy destroy} their keys (on a token they would outlive the files). The
     * files go first, so a custody that cannot be reached still lets the agent be reset; its error is thrown after,
     * and the key it could not reach stays on its device.
     */
    @Override
    public void delete() throws IOException, UnsafeStateException, KeyCustodyException {
        if (OwnerOnly.checkDirectoryIfPresent(dir)) {
            List<CustodyKey> keys = new ArrayList<>();
            KeyCustodyException unreachable = null;
            try {
                keptKey().ifPresent(keys::add);
                identityKey().ifPresent(keys::add);
            } catch (KeyCustodyException e) {
                unreachable = e;
            }
            Files.deleteIfExists(enrolling);
            Files.deleteIfExists(file);
            destroy(keys);
            if (unreachable != null) {
                throw unreachable;
            }
        }
    }

    @Override
    public void saveEnrollmentKey(String organizationId, CustodyKey keys) throws IOException, UnsafeStateException, KeyCustodyException {
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(keys, "keys");
        Optional<CustodyKey> before = keptKey();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", 1);
        m.put("organizationId", organizationId);
        KeyRecord.write(keys, m);
        write(enrolling, StrictJson.write(m));
        if (before.isPresent() && !before.get().fingerprint().equals(keys.fingerprint())) {
            destroyUnlessIdentitys(before.get());
        }
    }

    @Override
    public Optional<CustodyKey> enrollmentKey(String organizationId) throws IOException, UnsafeStateException, KeyCustodyException {
        Objects.requireNonNull(organizationId, "organizationId");
        return enrollingKey(Optional.of(organizationId));
    }

    /**
     * Forgets the kept enrollment key. Unless the saved identity holds that same key (the enrollment succeeded), the
     * server refused the agent it made: the custody destroys it.
     */
    @Override
    public void deleteEnrollmentKey() throws IOException, UnsafeStateException, KeyCustodyException {
        if (OwnerOnly.checkDirectoryIfPresent(dir)) {
            Optional<CustodyKey> kept = keptKey();
            Files.deleteIfExists(enrolling);
            if (kept.isPresent()) {
                destroyUnlessIdentitys(kept.get());
            }
        }
    }

    /** The kept enrollment key of {@code organizationId}, or of any organization when empty. */
    private Optional<CustodyKey> enrollingKey(Optional<String> organizationId) throws IOException, UnsafeStateException, KeyCustodyException {
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
            if (organizationId.isPresent() && !StrictJson.requireString(m, "organizationId").equals(organizationId.get())) {
                return Optional.empty();
            }
            return Optional.of(KeyRecord.read(m, custody));
        } catch (StrictJson.JsonException | TokenException | IllegalArgumentException e) {
            throw new IOException(enrolling + ": malformed enrollment key: " + e.getMessage());
        }
    }

    /**
     * The kept enrollment key, whatever its organization; empty when there is none, or when the custody does not
     * hold it or the file is malformed (nothing to destroy then).
     *
     * @throws KeyCustodyException the custody cannot be used now: whether it holds the key is unknown
     */
    private Optional<CustodyKey> keptKey() throws KeyCustodyException {
        return toDestroy(() -> enrollingKey(Optional.empty()));
    }

    /**
     * The saved identity's key, read as {@link #keptKey()} reads the enrollment key.
     *
     * @throws KeyCustodyException the custody cannot be used now
     */
    private Optional<CustodyKey> identityKey() throws KeyCustodyException {
        return toDestroy(() -> load().map(AgentIdentity::keys));
    }

    /** Reads a key named by a state file. */
    @FunctionalInterface
    private interface KeyRead {
        Optional<CustodyKey> read() throws IOException, UnsafeStateException, KeyCustodyException;
    }

    /**
     * The key {@code read} finds, as a key to destroy: empty when the custody does not hold it or the file is
     * unsafe, unreadable or malformed (nothing to destroy then).
     *
     * @throws KeyCustodyException the custody cannot be used now: whether it holds the key is unknown
     */
    private static Optional<CustodyKey> toDestroy(KeyRead read) throws KeyCustodyException {
        try {
            return read.read();
        } catch (KeyCustodyException e) {
            if (e.kind() != KeyCustodyException.Kind.NOT_FOUND) {
                throw e;
            }
            return Optional.empty();
        } catch (IOException | UnsafeStateException e) {
            return Optional.empty();
        }
    }

    /**
     * Destroys {@code key} unless the saved identity holds it. When the identity file is there but cannot be read,
     * nothing is destroyed: a key that may be the identity's is never removed on a guess.
     */
    private void destroyUnlessIdentitys(CustodyKey key) throws KeyCustodyException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            Optional<AgentIdentity> own;
            try {
                own = load();
            } catch (IOException | UnsafeStateException | KeyCustodyException e) {
                return;
            }
            if (own.isPresent() && own.get().keys().fingerprint().equals(key.fingerprint())) {
                return;
            }
        }
        destroy(List.of(key));
    }

    /** Destroys each key; the first failure is thrown once all were tried. */
    private void destroy(List<CustodyKey> keys) throws KeyCustodyException {
        KeyCustodyException first = null;
        for (CustodyKey k : keys) {
            try {
                custody.destroy(k);
            } catch (KeyCustodyException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void write(Path target, byte[] bytes) throws IOException, UnsafeStateException {
        OwnerOnly.ensureDirectory(dir);
        AtomicFile.replace(target, OwnerOnly.OWNER_FILE, bytes);
    }

    /**
     * The file's bytes, at most {@code MAX_FILE} of them; empty when there is no file (or no directory). The directory
     * and the file are checked first ({@link OwnerOnly}) and the file is opened without following a link.
     */
    private Optional<byte[]> read(Path f) throws IOException, UnsafeStateException {
        if (!OwnerOnly.checkDirectoryIfPresent(dir) || !OwnerOnly.checkFileIfPresent(f)) {
            return Optional.empty();
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
