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
        Path trace = dir.resolve("trace.txt");
        String classes = Path.of(AtomicFile.class.getProtectionDomain().getCodeSource().getLocation().toURI()) + java.io.File.pathSeparator
                + Path.of(AtomicFileTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder("strace", "-f", "-qq", "-o", trace.toString(), "-e", "trace=openat,open,fsync,fdatasync,rename,renameat,renameat2",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto", "-cp", classes, AtomicFileTest.class.getName(),
                target.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(Files.readString(target)).isEqualTo("new");

        List<String> lines = Files.readAllLines(trace);
        int rename = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches(".*rename(at2?)?\\(.*\"" + Pattern.quote(target.toString()) + "\".*= 0.*")) {
                rename = i;
            }
        }
        assertThat(rename).as("the rename onto the target, in %s", lines).isNotNegative();
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
