package com.heartbeatrm.installer;

import com.heartbeatrm.protocol.EnrollmentToken;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes the tag vectors in {@code docs/testdata/tags}: one real file per format, tagged by the packer with the
 * {@code full} token of {@code docs/testdata/tokens.json}, plus files that must be refused or that carry no tag.
 * Signed PE and MSI files are signed by a throwaway CA and tagged afterwards, as in production. The files are kept
 * in the repository (the tag certificate's serial is random, so regenerating changes them); {@link TagVectorsTest}
 * reads each with {@link InstallerReader}, and {@code docs/testdata/check.py} reads each from the specification.
 *
 * <p>Regenerate (needs openssl, osslsigncode, wixl and /usr/bin/python3):
 * {@code mvn -q -pl heartbeat-installer test -Dtest=TagVectorsTest -Dheartbeat.vectors.write=true}.
 */
final class TagVectors {
    static final Path DIR = Path.of("..", "docs", "testdata", "tags");

    private TagVectors() {
    }

    /** The refusals {@link #writeRefusals} derives from the files above, each a small change of one of them. */
    static final Map<String, String> REFUSALS = table("""
            pe-misaligned-lfanew.exe   error:BAD_PE
            pe-table-not-last.exe      error:BAD_PE
            pe-table-truncated.exe     error:TRUNCATED
            pe-bad-revision.exe        error:BAD_SIGNATURE_BLOCK
            msi-unsigned.msi           error:UNSUPPORTED
            compound-not-msi.msi       error:UNSUPPORTED
            msi-bad-version.msi        error:BAD_MSI
            ar-member-after-tag.deb    error:AMBIGUOUS_TAG
            ar-truncated-header.deb    error:TRUNCATED
            ar-size-not-a-number.deb   error:BAD_LENGTH
            ar-empty-tag.deb           error:BAD_TOKEN
            zip-tag-not-last.zip       error:BAD_ZIP
            trailer-bad-version.bin    error:BAD_FOOTER
            trailer-length-zero.bin    error:BAD_LENGTH
            trailer-before-start.bin   error:TRUNCATED
            two-footers.bin            error:AMBIGUOUS_TAG
            trailer-not-printable.bin  error:BAD_TOKEN
            """);

    /** file name -> expected: "FORMAT" (carrying the full token), "none" (no tag), or "error:REASON". */
    static Map<String, String> expected() {
        Map<String, String> m = table("""
                tagged.jar            ZIP
                tagged-comment.zip    ZIP
                tagged.exe            PE_AUTHENTICODE
                tagged.msi            MSI_AUTHENTICODE
                tagged-4k.msi         MSI_AUTHENTICODE
                tagged.sh             SCRIPT
                tagged-crlf.ps1       SCRIPT
                tagged.deb            AR
                tagged.bin            TRAILER
                signed-untagged.exe   none
                untagged.zip          none
                two-tags.zip          error:AMBIGUOUS_TAG
                zip-then-trailer.zip  error:BAD_ZIP
                bad-footer-hash.bin   error:BAD_FOOTER
                """);
        m.putAll(REFUSALS);
        return m;
    }

    /** A table of "file expected" lines, in their order; a line that is not two words is a mistake in this class. */
    private static Map<String, String> table(String rows) {
        Map<String, String> m = new LinkedHashMap<>();
        rows.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(l -> {
            String[] cells = l.split("\\s+");
            if (cells.length != 2 || m.put(cells[0], cells[1]) != null) {
                throw new IllegalStateException("not a new file and its expected outcome: " + l);
            }
        });
        return m;
    }

    static void writeAll(String token) throws Exception {
        Files.createDirectories(DIR);
        EnrollmentToken t = EnrollmentToken.of(token);
        Path work = Files.createTempDirectory("tag-vectors");
        CodeSigningCa ca = CodeSigningCa.create(work);

        Path jar = work.resolve("base.jar");
        zip(jar, null);
        InstallerPacker.pack(jar, t, DIR.resolve("tagged.jar"));
        Path commented = work.resolve("commented.zip");
        zip(commented, "built by the vendor");
        InstallerPacker.pack(commented, t, DIR.resolve("tagged-comment.zip"));
        Files.copy(commented, DIR.resolve("untagged.zip"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Path exe = work.resolve("hello.exe");
        try (InputStream in = TagVectors.class.getResourceAsStream("/fixtures/hello.exe")) {
            Files.copy(in, exe);
        }
        Path signedExe = work.resolve("signed.exe");
        ca.sign(exe, signedExe, null);
        Files.copy(signedExe, DIR.resolve("signed-untagged.exe"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        InstallerPacker.pack(signedExe, t, DIR.resolve("tagged.exe"));

        MsiFixture msi = MsiFixture.create(Files.createDirectories(work.resolve("msi")));
        Path unsigned = msi.unsigned("agent", 0);
        InstallerPacker.pack(msi.signed(unsigned, "agent-signed", null), t, DIR.resolve("tagged.msi"));
        Path v4 = msi.toVersion4(unsigned, "agent-v4");
        InstallerPacker.pack(msi.signed(v4, "agent-v4-signed", null), t, DIR.resolve("tagged-4k.msi"));

        Path sh = work.resolve("install.sh");
        Files.writeString(sh, "#!/bin/sh\necho \"installing the agent\"", StandardCharsets.US_ASCII);
        InstallerPacker.pack(sh, t, DIR.resolve("tagged.sh"));
        Path ps1 = work.resolve("install.ps1");
        Files.writeString(ps1, "Write-Output \"installing the agent\"\r\nexit 0\r\n", StandardCharsets.US_ASCII);
        InstallerPacker.pack(ps1, t, DIR.resolve("tagged-crlf.ps1"));

        Path deb = work.resolve("agent.deb");
        Files.write(deb, ar(Map.of("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII))));
        InstallerPacker.pack(deb, t, DIR.resolve("tagged.deb"));

        Path bin = work.resolve("agent.bin");
        Files.write(bin, Tools.elfLike(256, new java.util.SplittableRandom(7)));
        InstallerPacker.pack(bin, t, DIR.resolve("tagged.bin"));

        byte[] bad = Files.readAllBytes(DIR.resolve("tagged.bin"));
        bad[bad.length - 20] ^= 1; // inside the footer's SHA-256
        Files.write(DIR.resolve("bad-footer-hash.bin"), bad);

        // Bytes after a ZIP's end-of-central-directory comment: the comment length no longer reaches the end.
        byte[] zipTagged = Files.readAllBytes(DIR.resolve("tagged.jar"));
        byte[] trailer = com.heartbeatrm.installer.internal.Trailer.build(token);
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        after.writeBytes(zipTagged);
        after.writeBytes(trailer);
        Files.write(DIR.resolve("zip-then-trailer.zip"), after.toByteArray());
        // A ZIP comment that holds our tag and then a footer: the token is in two places.
        byte[] plain = Files.readAllBytes(jar);
        ByteArrayOutputStream comment = new ByteArrayOutputStream();
        comment.writeBytes(com.heartbeatrm.installer.internal.ZipTail.tag(token));
        comment.writeBytes(trailer);
        byte[] two = java.util.Arrays.copyOf(plain, plain.length + comment.size());
        System.arraycopy(comment.toByteArray(), 0, two, plain.length, comment.size());
        two[plain.length - 2] = (byte) comment.size();
        two[plain.length - 1] = (byte) (comment.size() >>> 8);
        Files.write(DIR.resolve("two-tags.zip"), two);
        Files.writeString(DIR.resolve("token.txt"), token + "\n", StandardCharsets.US_ASCII);
        writeRefusals(token);
    }

    /**
     * The files every reader must refuse, each derived from a committed tagged file by a small change, so they can be
     * regenerated without re-signing anything ({@code -Dheartbeat.vectors.refusals=true}); and {@code tags.json}.
     */
    static void writeRefusals(String token) throws Exception {
        byte[] exe = read("tagged.exe");
        byte[] misaligned = exe.clone();
        le32(misaligned, 0x3c, le32(exe, 0x3c) + 4);
        write("pe-misaligned-lfanew.exe", misaligned);
        write("pe-table-not-last.exe", Arrays.copyOf(exe, exe.length + 8));
        write("pe-table-truncated.exe", Arrays.copyOf(exe, exe.length - 8));
        byte[] revision = exe.clone();
        revision[securityTable(exe) + 4] = 0x01; // wRevision 0x0201
        write("pe-bad-revision.exe", revision);

        byte[] msi = read("tagged.msi");
        byte[] unsigned = msi.clone();
        int name = indexOf(unsigned, "\u0005DigitalSignature".getBytes(StandardCharsets.UTF_16LE));
        unsigned[name + 2] = 'X'; // \u0005XigitalSignature: no signature stream
        write("msi-unsigned.msi", unsigned);
        byte[] notMsi = msi.clone();
        int clsid = indexOf(notMsi, new byte[] {(byte) 0x84, 0x10, 0x0c, 0, 0, 0, 0, 0, (byte) 0xc0, 0, 0, 0, 0, 0, 0, 0x46});
        notMsi[clsid] = 0x00; // the root's CLSID is no MSI class
        write("compound-not-msi.msi", notMsi);
        byte[] version = msi.clone();
        version[26] = 5; // major version 5
        write("msi-bad-version.msi", version);

        byte[] deb = read("tagged.deb");
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        after.writeBytes(deb);
        after.writeBytes(Arrays.copyOfRange(ar(Map.of("data.tar", "x\n".getBytes(StandardCharsets.US_ASCII))), 8, 8 + 60 + 2));
        write("ar-member-after-tag.deb", after.toByteArray());
        byte[] plainDeb = ar(Map.of("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII)));
        write("ar-truncated-header.deb", Arrays.copyOf(plainDeb, 8 + 30));
        byte[] notNumber = plainDeb.clone();
        System.arraycopy("abc       ".getBytes(StandardCharsets.US_ASCII), 0, notNumber, 8 + 48, 10);
        write("ar-size-not-a-number.deb", notNumber);
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        empty.writeBytes(plainDeb);
        empty.writeBytes(Arrays.copyOfRange(ar(Map.of("_heartbeat_tag", new byte[0])), 8, 8 + 60));
        write("ar-empty-tag.deb", empty.toByteArray());

        byte[] jar = read("tagged.jar");
        byte[] notLast = Arrays.copyOf(jar, jar.length + 1);
        notLast[jar.length] = 'x';
        int eocd = jar.length - 22;
        while (!(le32(jar, eocd) == 0x06054b50 && eocd + 22 + le16(jar, eocd + 20) == jar.length)) {
            eocd--;
        }
        int commentLength = le16(jar, eocd + 20) + 1;
        notLast[eocd + 20] = (byte) commentLength;
        notLast[eocd + 21] = (byte) (commentLength >>> 8);
        write("zip-tag-not-last.zip", notLast);

        byte[] bin = read("tagged.bin");
        byte[] badVersion = bin.clone();
        badVersion[bin.length - 48 + 7] = 2;
        write("trailer-bad-version.bin", badVersion);
        byte[] zero = bin.clone();
        Arrays.fill(zero, bin.length - 48 + 8, bin.length - 48 + 12, (byte) 0);
        write("trailer-length-zero.bin", zero);
        byte[] footerOnly = Arrays.copyOfRange(bin, bin.length - 48, bin.length);
        write("trailer-before-start.bin", footerOnly);
        ByteArrayOutputStream twice = new ByteArrayOutputStream();
        twice.writeBytes(bin);
        twice.writeBytes(com.heartbeatrm.installer.internal.Trailer.build(token));
        write("two-footers.bin", twice.toByteArray());
        ByteArrayOutputStream notPrintable = new ByteArrayOutputStream();
        notPrintable.writeBytes("#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII));
        notPrintable.writeBytes(com.heartbeatrm.installer.internal.Trailer.build("v4.public.with space"));
        write("trailer-not-printable.bin", notPrintable.toByteArray());
        Files.writeString(DIR.getParent().resolve("tags.json"), listing(), StandardCharsets.US_ASCII);
    }

    private static byte[] read(String name) throws Exception {
        return Files.readAllBytes(DIR.resolve(name));
    }

    private static void write(String name, byte[] content) throws Exception {
        Files.write(DIR.resolve(name), content);
    }

    private static int le16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static int le32(byte[] b, int at) {
        return le16(b, at) | le16(b, at + 2) << 16;
    }

    private static void le32(byte[] b, int at, int value) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (value >>> (8 * i));
        }
    }

    /** The file offset of a PE's certificate table (its security directory's first field). */
    private static int securityTable(byte[] pe) {
        int opt = le32(pe, 0x3c) + 24;
        int dirs = opt + (le16(pe, opt) == 0x20b ? 112 : 96);
        return le32(pe, dirs + 32);
    }

    private static int indexOf(byte[] b, byte[] what) {
        for (int i = 0; i + what.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new IllegalStateException("not found");
    }

    /** {@code docs/testdata/tags.json}: each file and what a reader must make of it. */
    static String listing() {
        StringBuilder b = new StringBuilder();
        b.append("{\n  \"description\" : \"Tagged files in tags/. expect is the format that carries the token of tags/token.txt "
                + "(the full vector of tokens.json), none (no tag), or error:REASON (refused). Formats and reasons: docs/protocol.md, "
                + "section 4.\",\n  \"vectors\" : [ ");
        String sep = "";
        for (Map.Entry<String, String> e : expected().entrySet()) {
            b.append(sep).append("{\n    \"file\" : \"").append(e.getKey()).append("\",\n    \"expect\" : \"").append(e.getValue())
                    .append("\"\n  }");
            sep = ", ";
        }
        return b.append(" ]\n}\n").toString();
    }

    private static void zip(Path out, String comment) throws Exception {
        try (OutputStream os = Files.newOutputStream(out); ZipOutputStream z = new ZipOutputStream(os)) {
            z.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            z.write("Manifest-Version: 1.0\r\nMain-Class: Agent\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("agent.txt"));
            z.write("the agent\n".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
            if (comment != null) {
                z.setComment(comment);
            }
        }
    }

    private static byte[] ar(Map<String, byte[]> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("!<arch>\n".getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            String h = String.format("%-16s%-12s%-6s%-6s%-8s%-10s`\n", m.getKey(), "0", "0", "0", "100644", m.getValue().length);
            out.writeBytes(h.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(m.getValue());
            if (m.getValue().length % 2 == 1) {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }
}
