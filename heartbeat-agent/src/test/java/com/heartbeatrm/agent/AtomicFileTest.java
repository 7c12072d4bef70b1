package com.heartbeatrm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AtomicFile} watched by {@code strace}: the file is forced, renamed, and then its directory is forced. */
class AtomicFileTest {
    @TempDir
    Path dir;

    /** The child process strace watches: replaces {@code args[0]} with "new". */
    public static void main(String[] args) throws IOException {
        AtomicFile.replace(Path.of(args[0]), PosixFilePermissions.fromString("rw-------"), "new".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    @DisplayName("after the rename the directory is opened and fsync-ed, so the new name survives a crash")
    void forcesTheDirectoryAfterTheRename() throws Exception {
        if (!new ProcessBuilder("strace", "-V").start().waitFor(10, TimeUnit.SECONDS)) {
            Assumptions.abort("strace is needed (.ci/run installs it)");
        }
        Path target = dir.resolve("state.json");
        Files.writeString(target, "old");
        // One trace file per thread (-ff): another thread's system calls never split a line of this one's
        // ("<unfinished ...>"), and AtomicFile renames and forces the directory in the calling thread.
        Path trace = dir.resolve("trace");
        String classes = Path.of(AtomicFile.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + java.io.File.pathSeparator
                + Path.of(AtomicFileTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder("strace", "-ff", "-qq", "-o", trace.toString(), "-e", "trace=openat,open,fsync,fdatasync,rename,renameat,renameat2",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto", "-cp", classes, AtomicFileTest.class.getName(),
                target.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(Files.readString(target)).isEqualTo("new");

        Pattern renamed = Pattern.compile(".*rename(at2?)?\\(.*\"" + Pattern.quote(target.toString()) + "\".*= 0.*");
        List<String> lines = List.of();
        int rename = -1;
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("trace.")).sorted().toList()) {
                List<String> thread = Files.readAllLines(f);
                for (int i = 0; i < thread.size(); i++) {
                    if (renamed.matcher(thread.get(i)).matches()) {
                        lines = thread;
                        rename = i;
                    }
                }
            }
        }
        assertThat(rename).as("the rename onto the target, in a thread's trace").isNotNegative();
        Matcher open = null;
        int fsync = -1;
        for (int i = rename + 1; i < lines.size() && fsync < 0; i++) {
            Matcher m = Pattern.compile("open(at)?\\(.*\"" + Pattern.quote(dir.toString()) + "\".*\\) = (\\d+)").matcher(lines.get(i));
            if (open == null && m.find()) {
                open = m;
            } else if (open != null && lines.get(i).matches(".*fsync\\(" + open.group(2) + "\\)\\s+= 0.*")) {
                fsync = i;
            }
        }
        assertThat(open).as("the directory is opened after the rename: %s", lines.subList(rename, lines.size())).isNotNull();
        assertThat(fsync).as("and fsync-ed: %s", lines.subList(rename, lines.size())).isPositive();
    }
}
