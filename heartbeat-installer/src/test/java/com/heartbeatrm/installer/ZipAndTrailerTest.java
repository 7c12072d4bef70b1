package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipAndTrailerTest {
    @TempDir
    Path dir;

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    private static void refused(Reason reason, Path file) {
        assertThatThrownBy(() -> InstallerReader.read(file)).isInstanceOfSatisfying(InstallerException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    @DisplayName("JAR: the token lands in the EOCD comment as its own ASCII text; unzip -t passes; java -jar still runs")
    void jar() throws Exception {
        Tools.require("unzip", "unzip");
        Path base = Tools.runnableJar(dir, "hello from the agent");
        EnrollmentToken token = Tools.token();
        Path out = dir.resolve("tagged.jar");
        PackResult r = InstallerPacker.pack(base, token, out);

        assertThat(r.format()).isEqualTo(InstallerFormat.ZIP);
        assertThat(r.baseSha256()).isEqualTo(sha256(base));
        assertThat(r.baseSize()).isEqualTo(Files.size(base));
        assertThat(r.outputSha256()).isEqualTo(sha256(out));
        assertThat(r.outputSize()).isEqualTo(Files.size(out));
        assertThat(new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1)).contains(token.reveal());
        InstallerTag tag = InstallerReader.read(out);
        assertThat(tag.format()).isEqualTo(InstallerFormat.ZIP);
        assertThat(tag.token()).isEqualTo(token);
        VerifiedEnrollmentToken v = InstallerReader.readAndVerify(out, Tools.verifier());
        assertThat(v.token()).isEqualTo(token);

        Tools.Run unzip = Tools.run(dir, "unzip", "-t", out.toString());
        assertThat(unzip.exit()).as(unzip.output()).isZero();
        assertThat(unzip.output()).contains("No errors detected");
        Tools.Run java = Tools.run(dir, Tools.java(), "-jar", out.toString());
        assertThat(java.exit()).isZero();
        assertThat(java.output()).contains("hello from the agent");
    }

    @Test
    @DisplayName("a jarsigner-signed JAR still verifies with -strict after tagging (no unsigned entries)")
    void signedJar() throws Exception {
        Path base = Tools.runnableJar(dir, "signed");
        Tools.Run key = Tools.run(dir, Tools.jdkTool("keytool"), "-genkeypair", "-keystore", "ks.p12", "-storetype", "PKCS12", "-storepass",
                "changeit", "-keypass", "changeit", "-alias", "agent", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=HeartbeatRM test signer", "-validity", "30");
        assertThat(key.exit()).as(key.output()).isZero();
        Tools.Run sign = Tools.run(dir, Tools.jdkTool("jarsigner"), "-keystore", "ks.p12", "-storepass", "changeit", base.toString(), "agent");
        assertThat(sign.exit()).as(sign.output()).isZero();
        Path out = dir.resolve("signed-tagged.jar");
        InstallerPacker.pack(base, Tools.token(), out);
        Tools.Run verify = Tools.run(dir, Tools.jdkTool("jarsigner"), "-verify", "-strict", "-keystore", "ks.p12", "-storepass", "changeit",
                out.toString());
        assertThat(verify.exit() & 16).as("exit bit 16 (unsigned entries) is clear: " + verify.output()).isZero();
        assertThat(verify.output()).contains("jar verified");
        assertThat(Tools.run(dir, Tools.java(), "-jar", out.toString()).output()).contains("signed");
    }

    @Test
    @DisplayName("re-packing replaces the tag; a foreign comment is kept or refused by choice")
    void repackAndForeignComments() throws Exception {
        Path base = dir.resolve("commented.zip");
        try (OutputStream os = Files.newOutputStream(base); ZipOutputStream z = new ZipOutputStream(os)) {
            z.setComment("built by the agent team");
            z.putNextEntry(new ZipEntry("a.txt"));
            z.write(1);
            z.closeEntry();
        }
        EnrollmentToken first = Tools.token();
        EnrollmentToken second = Tools.token();
        Path once = dir.resolve("once.zip");
        Path twice = dir.resolve("twice.zip");
        InstallerPacker.pack(base, first, once);
        InstallerPacker.pack(once, second, twice);
        assertThat(InstallerReader.read(twice).token()).isEqualTo(second);
        String text = new String(Files.readAllBytes(twice), StandardCharsets.ISO_8859_1);
        assertThat(text).contains("built by the agent team").doesNotContain(first.reveal());
        assertThat(Files.size(twice)).isEqualTo(Files.size(once) + second.length() - first.length());
        assertThatThrownBy(() -> BaseInstaller.open(base, BaseInstaller.ForeignComment.REFUSE))
                .isInstanceOfSatisfying(InstallerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED));
        refused(Reason.NO_TAG, base);
    }

    @Test
    @DisplayName("ZIP64 archives (65 536 entries) are tagged and read back; unzip -t still passes")
    void zip64() throws Exception {
        Tools.require("unzip", "unzip");
        Path base = dir.resolve("many.zip");
        try (OutputStream os = Files.newOutputStream(base); ZipOutputStream z = new ZipOutputStream(os)) {
            z.setLevel(0);
            for (int i = 0; i < 65_536; i++) {
                z.putNextEntry(new ZipEntry("e" + i));
                z.closeEntry();
            }
        }
        byte[] all = Files.readAllBytes(base);
        String tail = new String(all, all.length - 200, 200, StandardCharsets.ISO_8859_1);
        assertThat(tail).as("the archive uses ZIP64 end records").contains("PK\u0006\u0006").contains("PK\u0006\u0007");
        EnrollmentToken token = Tools.token();
        Path out = dir.resolve("many-tagged.zip");
        InstallerPacker.pack(base, token, out);
        assertThat(InstallerReader.read(out).token()).isEqualTo(token);
        Tools.Run unzip = Tools.run(dir, "unzip", "-tq", out.toString());
        assertThat(unzip.exit()).as(unzip.output()).isZero();
    }

    @Test
    @DisplayName("any other file: a footer; a shell installer still runs; re-packing replaces; a changed footer is refused")
    void trailer() throws Exception {
        // A binary that is no other format (an ELF-like blob): the footer.
        Path base = dir.resolve("agent.bin");
        Files.write(base, Tools.elfLike(4096, new java.util.Random(5)));
        EnrollmentToken token = Tools.token();
        Path out = dir.resolve("tagged.bin");
        PackResult r = InstallerPacker.pack(base, token, out);
        assertThat(r.format()).isEqualTo(InstallerFormat.TRAILER);
        assertThat(r.outputSize()).isEqualTo(Files.size(base) + token.length() + 48);
        assertThat(InstallerReader.read(out).token()).isEqualTo(token);

        EnrollmentToken other = Tools.token();
        Path again = dir.resolve("again.bin");
        InstallerPacker.pack(out, other, again);
        assertThat(Files.size(again)).isEqualTo(Files.size(base) + other.length() + 48);
        assertThat(InstallerReader.read(again).token()).isEqualTo(other);

        byte[] bytes = Files.readAllBytes(out);
        bytes[(int) Files.size(base) + 20] ^= 1;
        Path changed = Files.write(dir.resolve("changed.bin"), bytes);
        refused(Reason.BAD_FOOTER, changed);
        Path stacked = dir.resolve("stacked.bin");
        Files.write(stacked, Files.readAllBytes(out));
        Files.write(stacked, com.heartbeatrm.installer.internal.Trailer.build(other.reveal()), java.nio.file.StandardOpenOption.APPEND);
        refused(Reason.AMBIGUOUS_TAG, stacked);
        refused(Reason.NO_TAG, base);
    }

    @Test
    @DisplayName("packing streams: to an output stream, from an input stream, with the same bytes")
    void streams() throws Exception {
        Path base = Tools.runnableJar(dir, "streams");
        EnrollmentToken token = Tools.token();
        BaseInstaller prepared = BaseInstaller.open(base);
        java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
        PackResult toStream = prepared.writeTo(token, sink);
        Path viaPath = dir.resolve("via-path.jar");
        PackResult toPath = prepared.writeTo(token, viaPath);
        assertThat(sink.toByteArray()).isEqualTo(Files.readAllBytes(viaPath));
        assertThat(toStream).isEqualTo(toPath);
        Path fromStream = dir.resolve("from-stream.jar");
        try (var in = Files.newInputStream(base)) {
            InstallerPacker.pack(in, token, fromStream);
        }
        assertThat(Files.readAllBytes(fromStream)).isEqualTo(sink.toByteArray());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
