package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.installer.internal.Der;
import com.heartbeatrm.installer.internal.PeFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("Authenticode PE: the tag certificate keeps osslsigncode verify passing, checksum included; re-tagging replaces it")
    void tagSignedPe() throws Exception {
        SignedPe pe = SignedPe.create(dir);
        Tools.Run base = pe.verify(pe.signed());
        assertThat(base.exit()).as(base.output()).isZero();
        assertThat(base.output()).contains("Signature verification: ok");

        EnrollmentToken token = Tools.token();
        Path tagged = dir.resolve("tagged.exe");
        PackResult r = InstallerPacker.pack(pe.signed(), token, tagged);
        assertThat(r.format()).isEqualTo(InstallerFormat.PE_AUTHENTICODE);
        assertThat(new String(Files.readAllBytes(tagged), StandardCharsets.ISO_8859_1)).contains(token.reveal());
        Tools.Run after = pe.verify(tagged);
        assertThat(after.exit()).as(after.output()).isZero();
        assertThat(after.output()).contains("Signature verification: ok").doesNotContain("MISMATCH");
        InstallerTag tag = InstallerReader.read(tagged);
        assertThat(tag.format()).isEqualTo(InstallerFormat.PE_AUTHENTICODE);
        assertThat(tag.token()).isEqualTo(token);
        assertThat(InstallerReader.readAndVerify(tagged, Tools.verifier()).token()).isEqualTo(token);

        // Nothing after the DER inside WIN_CERTIFICATE; zero padding to 8; the table ends the file.
        try (FileChannel ch = FileChannel.open(tagged)) {
            PeFile.Layout l = PeFile.layout(ch).orElseThrow();
            ByteBuffer t = ByteBuffer.wrap(l.table()).order(ByteOrder.LITTLE_ENDIAN);
            int length = t.getInt(0);
            Der.Element content = Der.parseTree(l.table(), 8, length);
            assertThat(length).as("dwLength counts the alignment padding, as signers write it").isEqualTo(l.table().length);
            assertThat(l.table().length - content.end()).as("only alignment padding after the DER").isLessThan(8);
            for (int i = content.end(); i < l.table().length; i++) {
                assertThat(l.table()[i]).isZero();
            }
            assertThat(l.table().length % 8).isZero();
            assertThat(l.tableOffset() + l.tableSize()).isEqualTo(Files.size(tagged));
        }

        EnrollmentToken other = Tools.token();
        Path retagged = dir.resolve("retagged.exe");
        InstallerPacker.pack(tagged, other, retagged);
        assertThat(InstallerReader.read(retagged).token()).isEqualTo(other);
        assertThat(new String(Files.readAllBytes(retagged), StandardCharsets.ISO_8859_1)).doesNotContain(token.reveal());
        Tools.Run again = pe.verify(retagged);
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).contains("Signature verification: ok").doesNotContain("MISMATCH");
    }

    @Test
    @DisplayName("an unsigned PE falls back to the footer")
    void unsignedPe() throws Exception {
        Path unsigned = dir.resolve("hello.exe");
        try (var in = PeTest.class.getResourceAsStream("/fixtures/hello.exe")) {
            Files.copy(in, unsigned);
        }
        EnrollmentToken token = Tools.token();
        PackResult r = InstallerPacker.pack(unsigned, token, dir.resolve("out.exe"));
        assertThat(r.format()).isEqualTo(InstallerFormat.TRAILER);
        assertThat(InstallerReader.read(dir.resolve("out.exe")).token()).isEqualTo(token);
    }
}
