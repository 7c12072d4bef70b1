package com.heartbeatrm.installer;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.agent.AtomicFile;
import com.heartbeatrm.installer.InstallerException.Reason;
import com.heartbeatrm.installer.internal.ArTag;
import com.heartbeatrm.installer.internal.CompoundFile;
import com.heartbeatrm.installer.internal.Der;
import com.heartbeatrm.installer.internal.PeChecksum;
import com.heartbeatrm.installer.internal.Pkcs7Tag;
import com.heartbeatrm.installer.internal.PeFile;
import com.heartbeatrm.installer.internal.ScriptTag;
import com.heartbeatrm.installer.internal.Trailer;
import com.heartbeatrm.installer.internal.ZipTail;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A base installer analysed once, ready to produce any number of tagged installers. The format is told from the
 * content: a signed PE, a signed MSI (any other compound file, signed or not, is refused), an {@code ar} archive, a
 * ZIP, a script ({@code #!}, or an unsigned {@code .ps1} by name), else a footer; an RPM is refused.
 *
 * <h2>Design</h2>
 * Every format changes only the tail of the file (and, for PE, two header fields). {@link #open} reads the base
 * once: it finds the format by structure, the unchanged prefix, the base file's SHA-256, and keeps the SHA-256
 * state of the unchanged prefix. Each {@link #writeTo} then copies the prefix with {@code FileChannel.transferTo}
 * (zero-copy to a file or a socket), writes the new tail, and finishes the output digest from a clone of the
 * prefix state, so an installer costs a copy, not a copy and a hash. PE is the exception for the digest: its
 * header fields change before the prefix, so its output is hashed while written (its checksum still reuses a
 * partial sum). Memory stays constant whatever the file size. Thread-safe: the base file is only read.
 */
public final class BaseInstaller {
    /** The largest base installer accepted (64 GiB). */
    public static final long MAX_SIZE = 64L << 30;
    /** The longest token text embedded, in characters (16 KiB), as the token verifier's own cap. */
    public static final int MAX_TOKEN = 16 * 1024;

    private final Path path;
    private final InstallerFormat format;
    private final long size;
    private final long prefixLength;
    private final @Nullable MessageDigest prefixDigest;
    private final BaseDigest baseDigest;
    // ZIP
    private final ZipTail.@Nullable Eocd eocd;
    // PE
    private final PeFile.@Nullable Layout pe;
    private final @Nullable PeChecksum peChecksum;
    // MSI: the parsed compound file; prefixLength/prefixDigest cover the bytes before the first sector a tag rewrites
    private final CompoundFile.@Nullable Layout msi;

    private BaseInstaller(Path path, InstallerFormat format, long size, long prefixLength, @Nullable MessageDigest prefixDigest,
            BaseDigest baseDigest, ZipTail.@Nullable Eocd eocd, PeFile.@Nullable Layout pe, @Nullable PeChecksum peChecksum,
            CompoundFile.@Nullable Layout msi) {
        this.path = path;
        this.format = format;
        this.size = size;
        this.prefixLength = prefixLength;
        this.prefixDigest = prefixDigest;
        this.baseDigest = baseDigest;
        this.eocd = eocd;
        this.pe = pe;
        this.peChecksum = peChecksum;
        this.msi = msi;
    }

    /** RPM's lead magic: a package whose signature and digests cover its payload, so no byte may be added. */
    private static final int RPM_MAGIC = 0xedabeedb;

    /** What to do with a ZIP comment that is not ours. */
    public enum ForeignComment {
        /** Keep it byte for byte; our tag follows it. */
        PRESERVE,
        /** Refuse to tag such an archive. */
        REFUSE
    }

    /**
     * Analyses a base installer, keeping a foreign ZIP comment.
     *
     * @param base the base installer
     * @return the analysed base, reusable for any number of tagged copies
     * @throws InstallerException as {@link #open(Path, ForeignComment)}
     */
    public static BaseInstaller open(Path base) throws InstallerException {
        return open(base, ForeignComment.PRESERVE);
    }

    /**
     * Analyses a base installer (reads it once). An already tagged base is accepted: its tag is replaced.
     *
     * @param base   the base installer, at most 64 GiB
     * @param policy what to do with a ZIP comment that is not ours
     * @return the analysed base, reusable for any number of tagged copies
     * @throws InstallerException an RPM, an unsigned MSI, a foreign comment under {@code REFUSE}, a damaged
     *     structure, stacked footers, or an I/O failure
     */
    public static BaseInstaller open(Path base, ForeignComment policy) throws InstallerException {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(policy, "policy");
        try (FileChannel ch = FileChannel.open(base, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > MAX_SIZE) {
                throw new InstallerException(Reason.UNSUPPORTED, "base installer larger than 64 GiB");
            }
            if (PeFile.looksLikePe(ch)) {
                Optional<PeFile.Layout> layout = PeFile.layout(ch);
                if (layout.isPresent()) {
                    PeFile.Layout l = layout.get();
                    PeFile.token(l.table());
                    PeChecksum sum = new PeChecksum(l.checksumOffset(), l.securityEntryOffset() + 4);
                    MessageDigest whole = sha256();
                    stream(ch, 0, size, whole, sum, l.tableOffset());
                    return new BaseInstaller(base, InstallerFormat.PE_AUTHENTICODE, size, l.tableOffset(), null,
                            new BaseDigest(hex(whole.digest()), size), null, l, sum, null);
                }
            }
            if (CompoundFile.looksLikeCompoundFile(ch)) {
                // Refuses an unsigned MSI and any other compound file, in words; never falls back to a trailer.
                CompoundFile.Layout l = CompoundFile.parse(ch);
                CompoundFile.token(l);
                // Every tag rewrites the same sectors (for tokens of one size class): hash what precedes the first once.
                CompoundFile.Plan probe = CompoundFile.plan(ch, l, Pkcs7Tag.retag(l.signature(), Der.read(l.signature(), 0,
                        l.signature().length), PROBE_TOKEN, CompoundFile.CUTOFF_FOR_TAGS));
                long stable = Math.min(probe.patches().isEmpty() ? probe.copyUntil() : probe.patches().firstKey(), probe.copyUntil());
                return hashed(base, ch, InstallerFormat.MSI_AUTHENTICODE, size, stable, null, l);
            }
            if (size >= 4 && PeFile.read(ch, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt(0) == RPM_MAGIC) {
                throw new InstallerException(Reason.UNSUPPORTED, "an RPM package: its signature and payload digests cover the whole file, so"
                        + " nothing can be added; ship the agent's token another way (an RPM built with it, or a signed script)");
            }
            if (ArTag.looksLikeAr(ch)) {
                Optional<ArTag.Found> old = ArTag.read(ch, MAX_TOKEN);
                long prefixLength = old.map(ArTag.Found::offset).orElse(size);
                return hashed(base, ch, InstallerFormat.AR, size, prefixLength, null, null);
            }
            Optional<ZipTail.Eocd> zip = ZipTail.find(ch);
            if (zip.isPresent()) {
                ZipTail.Eocd e = zip.get();
                ZipTail.token(e.comment());
                byte[] foreign = ZipTail.foreignPart(e.comment());
                if (policy == ForeignComment.REFUSE && foreign.length > 0) {
                    throw new InstallerException(Reason.UNSUPPORTED, "the archive has a foreign ZIP comment and the policy refuses it");
                }
                return hashed(base, ch, InstallerFormat.ZIP, size, e.offset(), e, null);
            }
            if (ScriptTag.isScript(ch, base.getFileName() == null ? null : base.getFileName().toString())) {
                Optional<ScriptTag.Found> old = ScriptTag.read(ch, MAX_TOKEN);
                long prefixLength = old.map(ScriptTag.Found::lineOffset).orElse(size);
                return hashed(base, ch, InstallerFormat.SCRIPT, size, prefixLength, null, null);
            }
            Optional<Trailer.Found> old = Trailer.read(ch, size, MAX_TOKEN);
            long prefixLength = old.map(Trailer.Found::tokenOffset).orElse(size);
            if (old.isPresent() && Trailer.read(ch, prefixLength, MAX_TOKEN).isPresent()) {
                throw new InstallerException(Reason.AMBIGUOUS_TAG, "two stacked footers");
            }
            return hashed(base, ch, InstallerFormat.TRAILER, size, prefixLength, null, null);
        } catch (IOException e) {
            throw new InstallerException(Reason.IO, "cannot read the base installer: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * A base whose tagged copies all begin with its first {@code prefixLength} bytes: hashes them once (each copy's
     * digest continues from that state) and the whole file.
     */
    private static BaseInstaller hashed(Path base, FileChannel ch, InstallerFormat format, long size, long prefixLength,
            ZipTail.@Nullable Eocd zip, CompoundFile.@Nullable Layout msi) throws IOException {
        MessageDigest prefix = sha256();
        stream(ch, 0, prefixLength, prefix, null, -1);
        MessageDigest whole = clone(prefix);
        stream(ch, prefixLength, size, whole, null, -1);
        return new BaseInstaller(base, format, size, prefixLength, prefix, new BaseDigest(hex(whole.digest()), size), zip, null, null, msi);
    }

    /** {@return the format the base was recognised as} */
    public InstallerFormat format() {
        return format;
    }

    /** {@return the SHA-256 (lower-case hex) of the base installer} */
    public String baseSha256() {
        return baseDigest.sha256;
    }

    /** {@return the size of the base installer} */
    public long baseSize() {
        return baseDigest.size;
    }

    private record BaseDigest(String sha256, long size) {
    }

    /**
     * Writes the tagged installer to {@code out} through a temporary file in the same folder, moved into place. The
     * output keeps the base's POSIX mode, less write for group and others.
     *
     * @param token the token to embed
     * @param out   a regular file, replaced, or a new one
     * @return the format and the digests and sizes of base and output
     * @throws InstallerException {@code out} is not a regular file, the token is too long, the base changed, or I/O
     */
    public PackResult writeTo(EnrollmentToken token, Path out) throws InstallerException {
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new InstallerException(Reason.UNSUPPORTED, "the output path is not a regular file (a directory, link, FIFO or device)");
        }
        try {
            return AtomicFile.replace(out, keptMode(), target -> writeTo(token, target));
        } catch (IOException e) {
            throw new InstallerException(Reason.IO, "cannot write the installer: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The base file's POSIX mode (an executable stays executable), minus write for group and others; null when not POSIX. */
    private @Nullable Set<PosixFilePermission> keptMode() throws IOException {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
            mode.removeAll(Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE));
            mode.addAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            return mode;
        } catch (UnsupportedOperationException notPosix) {
            return null;
        }
    }

    /**
     * Streams the tagged installer to {@code out} (e.g. an HTTP response), with no temporary file.
     *
     * @param token the token to embed
     * @param out   the stream; not closed
     * @return the format and the digests and sizes of base and output
     * @throws InstallerException the token is too long, the base changed since it was opened, or I/O
     */
    public PackResult writeTo(EnrollmentToken token, OutputStream out) throws InstallerException {
        return writeTo(token, Channels.newChannel(out));
    }

    /**
     * Writes the tagged installer to a channel: the base's unchanged prefix zero-copy, then the new tail.
     *
     * @param token the token to embed
     * @param out   the channel; not closed
     * @return the format and the digests and sizes of base and output
     * @throws InstallerException the token is too long, the base changed since it was opened, or I/O
     */
    public PackResult writeTo(EnrollmentToken token, WritableByteChannel out) throws InstallerException {
        Objects.requireNonNull(token, "token");
        String text = token.reveal();
        if (text.length() > MAX_TOKEN) {
            throw new InstallerException(Reason.BAD_TOKEN, "token longer than " + MAX_TOKEN);
        }
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            if (in.size() != size) {
                throw new InstallerException(Reason.IO, "the base installer changed since it was opened");
            }
            return switch (format) {
                // open() keeps each format's parts: the ZIP end record, the PE layout and partial checksum, the MSI layout.
                case ZIP -> writeZip(in, out, text, Objects.requireNonNull(eocd, "eocd"));
                case TRAILER -> writeTrailer(in, out, text);
                case PE_AUTHENTICODE -> writePe(in, out, text, Objects.requireNonNull(pe, "pe"),
                        Objects.requireNonNull(peChecksum, "peChecksum"));
                case MSI_AUTHENTICODE -> writeMsi(in, out, text, Objects.requireNonNull(msi, "msi"));
                case SCRIPT -> finish(in, out, ScriptTag.tail(in, prefixLength, text));
                case AR -> finish(in, out, ArTag.member(text));
            };
        } catch (IOException e) {
            throw new InstallerException(Reason.IO, "cannot write the installer: " + e.getClass().getSimpleName(), e);
        }
    }

    private PackResult writeZip(FileChannel in, WritableByteChannel out, String token, ZipTail.Eocd eocd) throws IOException, InstallerException {
        byte[] foreign = ZipTail.foreignPart(eocd.comment());
        byte[] tag = ZipTail.tag(token);
        int commentLength = foreign.length + tag.length;
        if (commentLength > 0xffff) {
            throw new InstallerException(Reason.UNSUPPORTED, "the ZIP comment would exceed 65535 bytes");
        }
        byte[] record = ZipTail.eocdWithCommentLength(in, eocd, commentLength);
        return finish(in, out, concat(record, foreign, tag));
    }

    /** The digest state of the unchanged prefix: kept by {@link #hashed}, i.e. for every format but PE. */
    private MessageDigest prefixState() {
        return Objects.requireNonNull(prefixDigest, "a PE base keeps no prefix digest");
    }

    private PackResult writeTrailer(FileChannel in, WritableByteChannel out, String token) throws IOException {
        return finish(in, out, Trailer.build(token));
    }

    private PackResult finish(FileChannel in, WritableByteChannel out, byte[] tail) throws IOException {
        copy(in, out, 0, prefixLength);
        writeFully(out, tail);
        MessageDigest d = clone(prefixState());
        d.update(tail);
        return new PackResult(format, baseDigest.sha256, baseDigest.size, hex(d.digest()), prefixLength + tail.length);
    }

    // Every buffer here comes from ByteBuffer.allocate (PeFile.read/readHeader), so its array starts at offset 0.
    @SuppressWarnings("ByteBufferBackingArray")
    private PackResult writePe(FileChannel in, WritableByteChannel out, String token, PeFile.Layout pe, PeChecksum peChecksum)
            throws IOException, InstallerException {
        byte[] table = PeFile.taggedTable(pe.table(), token);
        PeChecksum sum = peChecksum.clone();
        sum.addDword(table.length);
        sum.update(table, 0, table.length);
        long checksum = sum.value();
        int headerEnd = pe.securityEntryOffset() + 8;
        ByteBuffer header = PeFile.readHeader(in, headerEnd).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(pe.checksumOffset(), (int) checksum);
        header.putInt(pe.securityEntryOffset() + 4, table.length);
        MessageDigest d = sha256();
        d.update(header.array(), 0, headerEnd);
        writeFully(out, java.util.Arrays.copyOf(header.array(), headerEnd));
        // The unchanged middle: hashed while streamed (the changed header precedes it).
        try (DigestOutputStream dos = new DigestOutputStream(Channels.newOutputStream(out), d) {
            @Override
            public void close() {
                // leave the caller's channel open
            }
        }) {
            copy(in, Channels.newChannel(dos), headerEnd, pe.tableOffset());
        }
        writeFully(out, table);
        d.update(table);
        return new PackResult(format, baseDigest.sha256, baseDigest.size, hex(d.digest()), pe.tableOffset() + table.length);
    }

    /** A token of the usual size, to find which sectors an MSI tag rewrites. */
    private static final String PROBE_TOKEN = "v4.public." + "A".repeat(600);

    /**
     * The MSI: the original bytes with the plan's sectors substituted, zeros to the sector boundary, then the new
     * FAT/DIFAT sectors and the signature stream. The bytes before the first rewritten sector go out zero-copy, their
     * digest cloned from {@link #open}; the rest is hashed while written.
     */
    private PackResult writeMsi(FileChannel in, WritableByteChannel out, String token, CompoundFile.Layout msi) throws IOException, InstallerException {
        byte[] sig = msi.signature();
        byte[] newSignature = Pkcs7Tag.retag(sig, Der.read(sig, 0, sig.length), token, CompoundFile.CUTOFF_FOR_TAGS);
        CompoundFile.Plan plan = CompoundFile.plan(in, msi, newSignature);
        long first = plan.patches().isEmpty() ? plan.copyUntil() : plan.patches().firstKey();
        MessageDigest d;
        long pos;
        if (first >= prefixLength) {
            d = clone(prefixState());
            copy(in, out, 0, prefixLength);
            pos = prefixLength;
        } else {
            d = sha256();
            pos = 0;
        }
        try (DigestOutputStream dos = new DigestOutputStream(Channels.newOutputStream(out), d) {
            @Override
            public void close() {
                // leave the caller's channel open
            }
        }) {
            WritableByteChannel hashed = Channels.newChannel(dos);
            for (var e : plan.patches().tailMap(pos, true).entrySet()) {
                long at = e.getKey();
                if (at >= plan.copyUntil()) {
                    break;
                }
                copy(in, hashed, pos, at);
                dos.write(e.getValue());
                pos = at + e.getValue().length;
            }
            copy(in, hashed, pos, plan.copyUntil());
            dos.write(new byte[(int) (plan.alignedEnd() - plan.copyUntil())]);
            dos.write(plan.tail());
            dos.flush();
        }
        return new PackResult(format, baseDigest.sha256, baseDigest.size, hex(d.digest()), plan.outputSize());
    }

    private static void copy(FileChannel in, WritableByteChannel out, long from, long to) throws IOException {
        long pos = from;
        while (pos < to) {
            long n = in.transferTo(pos, to - pos, out);
            if (n <= 0) {
                throw new IOException("short transfer");
            }
            pos += n;
        }
    }

    private static void writeFully(WritableByteChannel out, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** Reads [from, to) once, feeding the digest and (up to {@code checksumEnd}) the PE checksum. */
    private static void stream(FileChannel ch, long from, long to, MessageDigest digest, @Nullable PeChecksum sum, long checksumEnd) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        byte[] heap = new byte[1 << 20];
        long pos = from;
        while (pos < to) {
            buf.clear().limit((int) Math.min(buf.capacity(), to - pos));
            int n = ch.read(buf, pos);
            if (n <= 0) {
                throw new IOException("unexpected end of file");
            }
            buf.flip();
            buf.get(heap, 0, n);
            digest.update(heap, 0, n);
            if (sum != null && pos < checksumEnd) {
                sum.update(heap, 0, (int) Math.min(n, checksumEnd - pos));
            }
            pos += n;
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest clone(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 state cannot be cloned", e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Override
    public String toString() {
        return "BaseInstaller[" + path.getFileName() + ", " + format + ", " + size + " bytes]";
    }
}
