package com.heartbeatrm.benchmarks;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.installer.BaseInstaller;
import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerReader;
import com.heartbeatrm.installer.InstallerTag;
import com.heartbeatrm.installer.PackResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Packing a 1 GiB base installer, with the record's digests, against a plain {@code FileChannel.transferTo} copy
 * of the same file in the same run, in a JVM limited to 64 MiB of heap. Packing uses a {@link BaseInstaller}
 * opened once (as a server does per base file): each installer is a zero-copy prefix transfer, a new tail, and a
 * digest finished from the cloned prefix state.
 *
 * <p>Writing a 1 GiB file is bound by the disk's write-back, which varies run to run, so each comparison also runs
 * against {@code /dev/null}, which isolates what our code adds. Also: reading the token back from a tagged 1 GiB
 * file and from a small one of the same format (time per read should not depend on the size).
 *
 * <p>Run: {@code java -jar heartbeat-benchmarks/target/benchmarks.jar Packing} (writes 3 GiB of scratch files
 * under {@code java.io.tmpdir}; removes them afterwards).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 4, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx64m"})
public class PackingBenchmark {
    @Param({"zip", "trailer"})
    public String format;

    private Path dir;
    private Path base;
    private Path out;
    private Path small;
    private BaseInstaller prepared;
    private EnrollmentToken token;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("hb-pack-bench");
        base = dir.resolve("base");
        out = dir.resolve("out");
        token = EnrollmentToken.of("v4.public." + "A".repeat(420) + ".eyJraWQiOiJoYnNfQUFBQUFBQUFBQUFBQUFBQUFBQUFBQSJ9");
        long size = 1L << 30;
        if (format.equals("zip")) {
            writeZip(base, size);
        } else {
            writeRandom(base, size);
        }
        prepared = BaseInstaller.open(base);
        small = dir.resolve("small");
        if (format.equals("zip")) {
            writeZip(dir.resolve("small-base"), 64L << 20);
        } else {
            writeRandom(dir.resolve("small-base"), 1 << 20);
        }
        BaseInstaller.open(dir.resolve("small-base")).writeTo(token, small);
        prepared.writeTo(token, dir.resolve("big-tagged"));
    }

    private static void writeRandom(Path p, long size) throws IOException {
        byte[] chunk = new byte[1 << 20];
        new SplittableRandom(7).nextBytes(chunk);
        try (OutputStream os = Files.newOutputStream(p)) {
            for (long written = 0; written < size; written += chunk.length) {
                os.write(chunk, 0, (int) Math.min(chunk.length, size - written));
            }
        }
    }

    /** A real ZIP of about {@code size} bytes: stored entries of random data. */
    private static void writeZip(Path p, long size) throws IOException {
        byte[] chunk = new byte[1 << 20];
        new SplittableRandom(7).nextBytes(chunk);
        try (OutputStream os = Files.newOutputStream(p); ZipOutputStream z = new ZipOutputStream(os)) {
            z.setLevel(0);
            int entries = (int) (size / (64L << 20));
            for (int e = 0; e < entries; e++) {
                z.putNextEntry(new ZipEntry("blob" + e));
                for (int i = 0; i < 64; i++) {
                    z.write(chunk);
                }
                z.closeEntry();
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** The baseline: the same bytes copied file to file with transferTo. */
    @Benchmark
    public long plainTransferTo() throws IOException {
        try (FileChannel to = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            return copyBaseTo(to);
        }
    }

    private long copyBaseTo(FileChannel to) throws IOException {
        try (FileChannel in = FileChannel.open(base, StandardOpenOption.READ)) {
            long size = in.size();
            long pos = 0;
            while (pos < size) {
                pos += in.transferTo(pos, size - pos, to);
            }
            return pos;
        }
    }

    /** One tagged installer with its digests, written to a file (no temp-file move, to compare like with like). */
    @Benchmark
    public PackResult packToFile() throws IOException, InstallerException {
        try (FileChannel to = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            return prepared.writeTo(token, to);
        }
    }

    private static final Path DEV_NULL = Path.of("/dev/null");

    /** The baseline without the disk: the same bytes transferred to /dev/null. */
    @Benchmark
    public long plainTransferToDevNull() throws IOException {
        try (FileChannel to = FileChannel.open(DEV_NULL, StandardOpenOption.WRITE)) {
            return copyBaseTo(to);
        }
    }

    /** Packing without the disk: what our code adds to the copy (tail, digests from the cloned prefix state). */
    @Benchmark
    public PackResult packToDevNull() throws IOException, InstallerException {
        try (FileChannel to = FileChannel.open(DEV_NULL, StandardOpenOption.WRITE)) {
            return prepared.writeTo(token, to);
        }
    }

    /** Reading the token from the tagged 1 GiB file (by structure: a few kilobytes). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public InstallerTag readTagged1GiB() throws InstallerException {
        return InstallerReader.read(dir.resolve("big-tagged"));
    }

    /** The same read from a small tagged file of the same format (1 MiB footer file, 64 MiB ZIP). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public InstallerTag readTagged1MiB() throws InstallerException {
        return InstallerReader.read(small);
    }

}
