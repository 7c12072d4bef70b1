package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.installer.InstallerException.Reason;
import com.heartbeatrm.installer.internal.Der;
import com.heartbeatrm.installer.internal.PeFile;
import com.heartbeatrm.installer.internal.Pkcs7Tag;
import com.heartbeatrm.installer.internal.TagCertificate;
import com.heartbeatrm.installer.internal.Trailer;
import com.heartbeatrm.installer.internal.ZipTail;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crafted installers: each is refused with its typed reason, never an unchecked exception. */
class HostileFilesTest {
    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    private static void refused(Reason reason, Path file) {
        assertThatThrownBy(() -> InstallerReader.read(file)).isInstanceOfSatisfying(InstallerException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    private byte[] taggedJar() throws Exception {
        Path out = dir.resolve("t.jar");
        InstallerPacker.pack(Tools.runnableJar(dir, "x"), Tools.token(), out);
        return Files.readAllBytes(out);
    }

    @Test
    @DisplayName("ZIP: truncated, comment length that disagrees, fake EOCD in the comment, two tags, CD past the EOCD")
    void zip() throws Exception {
        byte[] jar = taggedJar();
        refused(Reason.BAD_ZIP, write("truncated.jar", Arrays.copyOf(jar, jar.length - 5)));
        byte[] longer = Arrays.copyOf(jar, jar.length + 3);
        refused(Reason.BAD_ZIP, write("longer.jar", longer));

        // A fake end-of-central-directory record inside the comment that also reaches the end of the file.
        String tokenText = Tools.token().reveal();
        byte[] fakeTail = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN).putInt(0x06054b50).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).putShort((short) 0).array();
        byte[] comment = concat(ZipTail.tag(tokenText), fakeTail);
        refused(Reason.BAD_ZIP, write("fake-eocd.jar", withComment(jar, comment)));

        byte[] twoTags = concat(ZipTail.tag(tokenText), ZipTail.tag(tokenText));
        refused(Reason.AMBIGUOUS_TAG, write("two-tags.jar", withComment(jar, twoTags)));

        byte[] badCd = jar.clone();
        int eocd = eocdOffset(badCd);
        ByteBuffer.wrap(badCd).order(ByteOrder.LITTLE_ENDIAN).putInt(eocd + 16, 0x7fffff00);
        refused(Reason.BAD_LENGTH, write("cd-past.jar", badCd));
    }

    /** Replaces the EOCD comment (and its length) of a ZIP. */
    private static byte[] withComment(byte[] zip, byte[] comment) {
        int eocd = eocdOffset(zip);
        byte[] out = Arrays.copyOf(zip, eocd + 22 + comment.length);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putShort(eocd + 20, (short) comment.length);
        System.arraycopy(comment, 0, out, eocd + 22, comment.length);
        return out;
    }

    private static int eocdOffset(byte[] zip) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = zip.length - 22; i >= 0; i--) {
            if (b.getInt(i) == 0x06054b50 && i + 22 + (b.getShort(i + 20) & 0xffff) == zip.length) {
                return i;
            }
        }
        throw new AssertionError("no EOCD");
    }

    @Test
    @DisplayName("footer: length past the start, wrong version, wrong hash, a token in two places")
    void footer() throws Exception {
        byte[] body = "#!/bin/sh\nexit 0\n".getBytes(StandardCharsets.UTF_8);
        byte[] good = concat(body, Trailer.build(Tools.token().reveal()));
        byte[] tooLong = good.clone();
        ByteBuffer.wrap(tooLong).putInt(tooLong.length - 48 + 8, 16_000);
        refused(Reason.TRUNCATED, write("too-long.sh", tooLong));
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).putInt(huge.length - 48 + 8, Integer.MAX_VALUE);
        refused(Reason.BAD_LENGTH, write("huge.sh", huge));
        byte[] version = good.clone();
        version[version.length - 48 + 7] = 9;
        refused(Reason.BAD_FOOTER, write("version.sh", version));

        // A tagged JAR with a footer appended: the ZIP comment no longer reaches the end, and a token would be in two places.
        byte[] jarPlusFooter = concat(taggedJar(), Trailer.build(Tools.token().reveal()));
        assertThatThrownBy(() -> InstallerReader.read(write("two-places.jar", jarPlusFooter))).isInstanceOf(InstallerException.class);
        // A ZIP whose own comment (ours) is followed, inside the comment, by a valid footer: two places.
        String t = Tools.token().reveal();
        byte[] inComment = withComment(taggedJar(), concat(ZipTail.tag(t), Trailer.build(t)));
        refused(Reason.AMBIGUOUS_TAG, write("two-places-2.jar", inComment));
        refused(Reason.NO_TAG, write("empty", new byte[0]));
        refused(Reason.NO_TAG, write("tiny", new byte[] {1, 2, 3}));
    }

    @Test
    @DisplayName("PE: e_lfanew, magic, data-directory count, security directory not at the end, WIN_CERTIFICATE, BER, padding, two tags")
    void pe() throws Exception {
        SignedPe signed = SignedPe.create(dir);
        Path tagged = dir.resolve("tagged.exe");
        InstallerPacker.pack(signed.signed(), Tools.token(), tagged);
        byte[] pe = Files.readAllBytes(tagged);
        ByteBuffer b = ByteBuffer.wrap(pe).order(ByteOrder.LITTLE_ENDIAN);
        int lfanew = b.getInt(0x3c);
        int opt = lfanew + 24;
        boolean pe32plus = (b.getShort(opt) & 0xffff) == 0x20b;
        int countOffset = opt + (pe32plus ? 108 : 92);
        int security = opt + (pe32plus ? 112 : 96) + 32;
        PeFile.Layout layout;
        try (FileChannel ch = FileChannel.open(tagged)) {
            layout = PeFile.layout(ch).orElseThrow();
        }
        int table = (int) layout.tableOffset();

        refused(Reason.BAD_PE, write("lfanew.exe", patchInt(pe, 0x3c, 0x7ffffff8)));
        refused(Reason.BAD_PE, write("lfanew-misaligned.exe", patchInt(pe, 0x3c, lfanew + 2)));
        refused(Reason.BAD_PE, write("magic.exe", patchShort(pe, opt, 0x1234)));
        refused(Reason.BAD_PE, write("dircount.exe", patchInt(pe, countOffset, 1000)));
        refused(Reason.BAD_PE, write("not-at-end.exe", concat(pe, new byte[8])));
        refused(Reason.TRUNCATED, write("truncated.exe", Arrays.copyOf(pe, pe.length - 8)));
        refused(Reason.BAD_PE, write("security-misaligned.exe", patchInt(pe, security, table + 4)));
        refused(Reason.BAD_PE, write("security-huge.exe", patchInt(pe, security + 4, 0x7fffffff)));
        refused(Reason.BAD_SIGNATURE_BLOCK, write("revision.exe", patchShort(pe, table + 4, 0x0100)));
        refused(Reason.BAD_SIGNATURE_BLOCK, write("type.exe", patchShort(pe, table + 6, 0x0001)));
        int length = b.getInt(table);
        if (length % 8 != 0) {
            refused(Reason.BAD_SIGNATURE_BLOCK, write("padding.exe", patch(pe, table + length, (byte) 1)));
        }
        // BER: the outer SEQUENCE with an indefinite length.
        byte[] ber = pe.clone();
        ber[table + 9] = (byte) 0x80;
        refused(Reason.BAD_SIGNATURE_BLOCK, write("ber.exe", ber));
        // Two entries: WIN_CERTIFICATE length covering only half of the table.
        refused(Reason.BAD_SIGNATURE_BLOCK, write("two-entries.exe", patchInt(pe, table, 16)));
        // Two certificates carrying our tag.
        refused(Reason.AMBIGUOUS_TAG, write("two-tags.exe", withExtraTag(pe, layout)));
    }

    /** Adds a second tag certificate to the set, fixing every length, so only the double tag is wrong. */
    private static byte[] withExtraTag(byte[] pe, PeFile.Layout layout) throws Exception {
        byte[] table = layout.table();
        Pkcs7Tag.CertificateSet set = Pkcs7Tag.certificates(table, PeFile.signedData(table));
        ByteArrayOutputStream certs = new ByteArrayOutputStream();
        for (Der.Element c : set.certs()) {
            certs.write(table, c.start(), c.end() - c.start());
        }
        certs.writeBytes(TagCertificate.build(Tools.token().reveal(), 0));
        byte[] newSet = Der.tlv(0xa0, certs.toByteArray());
        byte[] sd = Der.tlv(0x30, Pkcs7Tag.splice(table, set.signedData(), set.certificates(), newSet));
        byte[] ci = Der.tlv(0x30, Pkcs7Tag.splice(table, set.contentInfo(), set.explicit(), Der.tlv(0xa0, sd)));
        int length = 8 + ci.length;
        int padded = (length + 7) & ~7;
        ByteBuffer t = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        t.putInt(length).putShort((short) 0x0200).putShort((short) 2).put(ci);
        byte[] out = concat(Arrays.copyOf(pe, (int) layout.tableOffset()), t.array());
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(layout.securityEntryOffset() + 4, padded);
        return out;
    }

    static byte[] patchInt(byte[] b, int at, int v) {
        byte[] out = b.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
        return out;
    }

    static byte[] patchShort(byte[] b, int at, int v) {
        byte[] out = b.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putShort(at, (short) v);
        return out;
    }

    static byte[] patch(byte[] b, int at, byte v) {
        byte[] out = b.clone();
        out[at] = v;
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    @DisplayName("a token that is not printable ASCII is refused as a bad token")
    void badTokenText() throws Exception {
        byte[] body = "data".getBytes(StandardCharsets.UTF_8);
        byte[] weird = concat(body, Trailer.build("v4.public.ok"));
        Path p = write("weird", weird);
        EnrollmentToken parsed = InstallerReader.read(p).token();
        assertThat(parsed.reveal()).isEqualTo("v4.public.ok");
        byte[] nonAscii = concat(body, footerFor(new byte[] {(byte) 0xff, 'a'}));
        refused(Reason.BAD_TOKEN, write("non-ascii", nonAscii));
    }

    private static byte[] footerFor(byte[] token) throws Exception {
        ByteBuffer out = ByteBuffer.allocate(token.length + 48);
        out.put(token).put("HBRMTAG".getBytes(StandardCharsets.UTF_8)).put((byte) 1).putInt(token.length)
                .put(java.security.MessageDigest.getInstance("SHA-256").digest(token)).put("HBRM".getBytes(StandardCharsets.UTF_8));
        return out.array();
    }
}
