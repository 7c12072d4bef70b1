package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.installer.internal.CompoundFile;
import com.heartbeatrm.installer.internal.Der;
import com.heartbeatrm.installer.internal.Pkcs7Tag;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tagging Authenticode-signed MSI packages, checked by independent tools: osslsigncode verifies the signature
 * before and after, msiinfo and msiextract see the same package, and two independent compound-file readers
 * (python3-olefile and our own cfb.py) see every stream but the signature bit for bit as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("MSI packages")
class MsiTest {
    @TempDir
    static Path dir;

    private MsiFixture msi;
    private Path signed;
    private Path signedLarge;
    private Path signed4k;

    @BeforeAll
    void fixtures() throws Exception {
        msi = MsiFixture.create(dir);
        Path unsigned = msi.unsigned("agent", 0);
        signed = msi.signed(unsigned, "signed", null);
        signedLarge = msi.signed(unsigned, "signed-large", msi.extraCertificates(3));
        signed4k = msi.signed(msi.toVersion4(unsigned, "agent-v4"), "signed-v4", null);
    }

    private static CompoundFile.Layout layout(Path file) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return CompoundFile.parse(ch);
        }
    }

    private static byte[] signerInfos(Path file) throws Exception {
        byte[] sig = CompoundFile.signatureBytes(layout(file));
        return Pkcs7Tag.signerInfos(sig, Der.read(sig, 0, sig.length));
    }

    private Tools.Run tool(String... cmd) throws Exception {
        return Tools.run(dir, cmd);
    }

    /** Everything an independent tool sees, for a before/after comparison. */
    private void samePackage(Path before, Path after) throws Exception {
        assertThat(msi.ca.verify(before).exit()).as("the base verifies").isZero();
        Tools.Run verify = msi.ca.verify(after);
        assertThat(verify.exit()).as("osslsigncode verify after tagging: %s", verify.output()).isZero();
        assertThat(tool("msiinfo", "tables", after.toString()).output()).isEqualTo(tool("msiinfo", "tables", before.toString()).output());
        assertThat(tool("msiinfo", "streams", after.toString()).output()).isEqualTo(tool("msiinfo", "streams", before.toString()).output());
        assertThat(tool("msiinfo", "export", after.toString(), "File").output()).isEqualTo(tool("msiinfo", "export", before.toString(), "File").output());
        Path x1 = Files.createDirectories(dir.resolve("x-" + before.getFileName()));
        Path x2 = Files.createDirectories(dir.resolve("x-" + after.getFileName()));
        assertThat(tool("msiextract", "-C", x1.toString(), before.toString()).exit()).isZero();
        assertThat(tool("msiextract", "-C", x2.toString(), after.toString()).exit()).isZero();
        Path f1 = x1.resolve("Program Files/HeartbeatRM/agent.txt");
        Path f2 = x2.resolve("Program Files/HeartbeatRM/agent.txt");
        assertThat(f2).exists();
        assertThat(Files.mismatch(f1, f2)).as("the packaged file extracts the same").isEqualTo(-1);
        TreeMap<String, String> a = msi.streams(before);
        TreeMap<String, String> b = msi.streams(after);
        String sig = "stream:\\x05DigitalSignature";
        assertThat(b.get(sig)).isNotEqualTo(a.get(sig));
        a.keySet().removeIf(k -> !k.startsWith("stream:") || k.equals(sig));
        TreeMap<String, String> bStreams = new TreeMap<>(b);
        bStreams.keySet().removeIf(k -> !k.startsWith("stream:") || k.equals(sig));
        assertThat(bStreams).as("every other stream is bit-identical (cfb.py)").isEqualTo(a);
        assertThat(b.get("signatureInMiniStream")).isEqualTo("False");
        assertThat(b.get("signatureIsLast")).as("the new signature stream is the last run of sectors").isEqualTo("True");
        String olefileBefore = msi.olefileStreams(before).lines().filter(l -> !l.startsWith("\\x05DigitalSignature")).reduce("", (x, y) -> x + y + "\n");
        String olefileAfter = msi.olefileStreams(after).lines().filter(l -> !l.startsWith("\\x05DigitalSignature")).reduce("", (x, y) -> x + y + "\n");
        assertThat(olefileAfter).as("every other stream is bit-identical (python3-olefile)").isEqualTo(olefileBefore).isNotEmpty();
        assertThat(signerInfos(after)).as("the SignerInfo bytes are unchanged").isEqualTo(signerInfos(before));
    }

    @Test
    @DisplayName("a wixl MSI signed by osslsigncode, signature in the mini stream: tagged, verified, read back by the directory")
    void miniStreamSignature() throws Exception {
        assertThat(layout(signed).signatureInMini()).isTrue();
        BaseInstaller base = BaseInstaller.open(signed);
        assertThat(base.format()).isEqualTo(InstallerFormat.MSI_AUTHENTICODE);
        EnrollmentToken token = Tools.token();
        Path out = dir.resolve("tagged.msi");
        PackResult r = base.writeTo(token, out);
        assertThat(r.format().recordName()).isEqualTo("msi");
        assertThat(r.outputSize()).isEqualTo(Files.size(out));
        assertThat(r.outputSha256()).isEqualTo(BaseInstaller.hex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(out))));
        InstallerTag tag = InstallerReader.read(out);
        assertThat(tag.format()).isEqualTo(InstallerFormat.MSI_AUTHENTICODE);
        assertThat(tag.token().reveal()).isEqualTo(token.reveal());
        samePackage(signed, out);
    }

    @Test
    @DisplayName("a signature larger than the mini-stream cutoff (extra certificates): tagged and verified")
    void regularSignature() throws Exception {
        assertThat(layout(signedLarge).signatureInMini()).isFalse();
        Path out = dir.resolve("tagged-large.msi");
        BaseInstaller.open(signedLarge).writeTo(Tools.token(), out);
        samePackage(signedLarge, out);
    }

    @Test
    @DisplayName("4096-byte sectors (a version-4 compound file): tagged and verified")
    void version4() throws Exception {
        assertThat(layout(signed4k).sectorSize()).isEqualTo(4096);
        Path out = dir.resolve("tagged-v4.msi");
        BaseInstaller.open(signed4k).writeTo(Tools.token(), out);
        assertThat(layout(out).sectorSize()).isEqualTo(4096);
        samePackage(signed4k, out);
    }

    @Test
    @DisplayName("re-tagging replaces the tag in place: one token, the same size, still verified")
    void retag() throws Exception {
        Path once = dir.resolve("once.msi");
        Path twice = dir.resolve("twice.msi");
        BaseInstaller.open(signed).writeTo(Tools.token(), once);
        EnrollmentToken second = Tools.token();
        assertThat(second.length()).as("the fixture makes tokens of one length").isEqualTo(InstallerReader.read(once).token().length());
        BaseInstaller.open(once).writeTo(second, twice);
        assertThat(InstallerReader.read(twice).token().reveal()).isEqualTo(second.reveal());
        assertThat(Files.size(twice)).as("the stream at the end is rewritten, not appended again").isEqualTo(Files.size(once));
        samePackage(signed, twice);
    }

    @Test
    @DisplayName("an unsigned MSI is refused with words that say to sign it first; so is a compound file that is not an MSI")
    void refusals() throws Exception {
        Path unsigned = msi.unsigned("unsigned", 0);
        assertThatThrownBy(() -> BaseInstaller.open(unsigned)).isInstanceOfSatisfying(InstallerException.class, e -> {
            assertThat(e.reason()).isEqualTo(InstallerException.Reason.UNSUPPORTED);
            assertThat(e.getMessage()).contains("unsigned MSI").contains("sign it first");
        });
        // The same file with the root CLSID of something else (a Word document, say).
        Path other = dir.resolve("other.doc");
        Files.copy(signed, other);
        CompoundFile.Layout l = layout(signed);
        try (FileChannel ch = FileChannel.open(other, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {6, 9, 2, 0}), l.headerSize() + (long) l.dirChain()[0] * l.sectorSize() + 80);
        }
        assertThatThrownBy(() -> BaseInstaller.open(other)).isInstanceOfSatisfying(InstallerException.class,
                e -> assertThat(e.getMessage()).contains("not a Windows Installer package"));
    }

    @Test
    @DisplayName("a tagged MSI of 256 MiB: tagged in bounded memory, verified, every other stream identical")
    void big() throws Exception {
        Path unsigned = msi.unsigned("big", 256L << 20);
        Path bigSigned = msi.signed(unsigned, "big-signed", null);
        assertThat(Files.size(bigSigned)).isGreaterThan(256L << 20);
        Path out = dir.resolve("big-tagged.msi");
        BaseInstaller.open(bigSigned).writeTo(Tools.token(), out);
        Tools.Run verify = msi.ca.verify(out);
        assertThat(verify.exit()).as(verify.output()).isZero();
        TreeMap<String, String> a = msi.streams(bigSigned);
        TreeMap<String, String> b = msi.streams(out);
        a.keySet().removeIf(k -> k.contains("DigitalSignature") || !k.startsWith("stream:"));
        b.keySet().removeIf(k -> k.contains("DigitalSignature") || !k.startsWith("stream:"));
        assertThat(b).isEqualTo(a);
        assertThat(InstallerReader.read(out).format()).isEqualTo(InstallerFormat.MSI_AUTHENTICODE);
        Files.delete(unsigned);
        Files.delete(bigSigned);
        Files.delete(out);
    }

    static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }
}
