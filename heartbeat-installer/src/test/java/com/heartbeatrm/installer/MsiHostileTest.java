package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.installer.InstallerException.Reason;
import com.heartbeatrm.installer.internal.CompoundFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile compound-file corpus, made from a real signed MSI by corrupting one structure at a time: each is
 * refused with a typed reason, by the packer and by the reader, in bounded time (and, as every test of this module,
 * in a 64 MiB heap).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("hostile compound files")
class MsiHostileTest {
    @TempDir
    static Path dir;

    private byte[] good;
    private CompoundFile.Layout layout;
    private int count;

    @BeforeAll
    void fixture() throws Exception {
        MsiFixture msi = MsiFixture.create(dir);
        Path signed = msi.signed(msi.unsigned("agent", 0), "signed", null);
        good = Files.readAllBytes(signed);
        try (FileChannel ch = FileChannel.open(signed, StandardOpenOption.READ)) {
            layout = CompoundFile.parse(ch);
        }
    }

    private ByteBuffer copy(int extraSectors) {
        byte[] b = Arrays.copyOf(good, good.length + extraSectors * layout.sectorSize());
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private long fatEntry(int sector) {
        int per = layout.sectorSize() / 4;
        return layout.headerSize() + (long) layout.fatSectors()[sector / per] * layout.sectorSize() + 4L * (sector % per);
    }

    private long dirEntry(int entry) {
        int eps = layout.sectorSize() / 128;
        return layout.headerSize() + (long) layout.dirChain()[entry / eps] * layout.sectorSize() + 128L * (entry % eps);
    }

    private void refused(String name, Consumer<ByteBuffer> corrupt, int extraSectors, Reason... reasons) throws Exception {
        ByteBuffer b = copy(extraSectors);
        corrupt.accept(b);
        Path file = dir.resolve("hostile-" + (++count) + "-" + name + ".msi");
        Files.write(file, b.array());
        for (Runnable call : new Runnable[] {() -> check(() -> BaseInstaller.open(file), reasons), () -> check(() -> InstallerReader.read(file), reasons)}) {
            Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), call::run, name);
        }
    }

    private static void check(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Reason... reasons) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InstallerException.class, e -> assertThat(e.reason()).isIn((Object[]) reasons));
    }

    @Test
    @DisplayName("FAT loops, chains past the end, DIFAT cycles, a directory cycle, sizes that overflow, a signature that lies")
    void corpus() throws Exception {
        int dirStart = layout.dirChain()[0];
        refused("fat-loop", b -> b.putInt((int) fatEntry(dirStart), dirStart), 0, Reason.BAD_MSI);
        refused("chain-past-eof", b -> b.putInt((int) fatEntry(dirStart), 0x00ffffff), 0, Reason.BAD_MSI);
        refused("directory-past-eof", b -> b.putInt(48, 0x7ffffff0), 0, Reason.BAD_MSI);
        // A DIFAT chain that loops: enough sectors and FAT count to need two DIFAT sectors, the first pointing at itself.
        int need = 109 + (layout.sectorSize() / 4 - 1) + 1;
        int extra = need + 10;
        refused("difat-cycle", b -> {
            int s = layout.sectorCount() + 1;
            b.putInt(44, need).putInt(68, s).putInt(72, 2);
            b.putInt((int) (layout.headerSize() + (long) s * layout.sectorSize() + layout.sectorSize() - 4), s);
        }, extra, Reason.BAD_MSI);
        refused("fat-count-overflow", b -> b.putInt(44, 0x7fffffff), 0, Reason.BAD_LENGTH);
        refused("difat-count-overflow", b -> b.putInt(72, -1), 0, Reason.BAD_LENGTH);
        // The root's child points at an entry whose sibling points back at it.
        refused("directory-cycle", b -> {
            int child = b.getInt((int) dirEntry(0) + 76);
            b.putInt((int) dirEntry(child) + 68, child);
        }, 0, Reason.BAD_MSI);
        refused("directory-id-past-end", b -> b.putInt((int) dirEntry(0) + 76, 100_000), 0, Reason.BAD_MSI);
        refused("signature-size-overflow", b -> b.putInt((int) dirEntry(layout.signatureEntry()) + 120, 0xffffffff), 0, Reason.BAD_LENGTH);
        refused("signature-size-lies-small", b -> b.putInt((int) dirEntry(layout.signatureEntry()) + 120, 3000), 0, Reason.BAD_MSI,
                Reason.BAD_SIGNATURE_BLOCK);
        refused("signature-size-lies-large", b -> b.putInt((int) dirEntry(layout.signatureEntry()) + 120, 9000), 0, Reason.BAD_MSI,
                Reason.BAD_SIGNATURE_BLOCK);
        refused("mini-stream-loop", b -> {
            // The mini FAT entry of the signature's first mini sector points at itself.
            int m = layout.signatureChain()[0];
            int per = layout.sectorSize() / 4;
            long at = layout.headerSize() + (long) layout.miniFatChain()[m / per] * layout.sectorSize() + 4L * (m % per);
            b.putInt((int) at, m);
        }, 0, Reason.BAD_MSI);
        refused("wrong-sector-shift", b -> b.putShort(30, (short) 16), 0, Reason.BAD_MSI);
        refused("signature-not-der", b -> {
            // Garbage where the signature's DER starts (the first mini sector of the stream, inside the mini stream).
            int m = layout.signatureChain()[0];
            byte[] sig = CompoundFile.signatureBytes(layout);
            int at = indexOf(good, Arrays.copyOf(sig, 48));
            assertThat(at).as("the signature bytes are in the file").isPositive();
            b.put(at, (byte) 0x05).put(at + 1, (byte) 0x80);
            assertThat(m).isNotNegative();
        }, 0, Reason.BAD_SIGNATURE_BLOCK);
        ByteBuffer cut = copy(0);
        Path truncated = dir.resolve("truncated.msi");
        Files.write(truncated, Arrays.copyOf(cut.array(), layout.headerSize() + layout.sectorSize() * 3));
        check(() -> BaseInstaller.open(truncated), Reason.BAD_MSI, Reason.TRUNCATED, Reason.BAD_LENGTH);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
