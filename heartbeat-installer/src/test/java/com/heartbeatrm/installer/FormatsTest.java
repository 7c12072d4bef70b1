package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.EnrollmentToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scripts, Debian packages and RPMs: tagged where the format has a safe place, refused in words where it has none. */
class FormatsTest {
    @TempDir
    Path dir;

    private Path write(String name, String content, String mode) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.ISO_8859_1);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    private Tools.Run run(String... cmd) throws Exception {
        return Tools.run(dir, cmd);
    }

    @Nested
    @DisplayName("scripts")
    class Scripts {
        @Test
        @DisplayName("a #! script without exit and without a final newline runs unchanged under sh, dash and bash, and keeps its mode")
        void shells() throws Exception {
            for (String shell : List.of("sh", "dash", "bash")) {
                Tools.require(shell, shell.equals("sh") ? "dash" : shell);
            }
            Path base = write("install.sh", "#!/bin/sh\necho \"hi from the agent installer\"", "rwxr-xr-x");
            BaseInstaller b = BaseInstaller.open(base);
            assertThat(b.format()).isEqualTo(InstallerFormat.SCRIPT);
            EnrollmentToken token = Tools.token();
            Path out = dir.resolve("tagged.sh");
            b.writeTo(token, out);
            String text = Files.readString(out, StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("#!/bin/sh\necho \"hi from the agent installer\"\n# heartbeat-enrollment-token: v4.public.").endsWith("\n");
            assertThat(Files.getPosixFilePermissions(out)).as("an executable stays executable").isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String shell : List.of("sh", "dash", "bash")) {
                Tools.Run r = run(shell, out.toString());
                assertThat(r.exit()).as(shell + ": " + r.output()).isZero();
                assertThat(r.output()).isEqualTo("hi from the agent installer\n");
            }
            Tools.Run direct = run(out.toString());
            assertThat(direct.exit()).isZero();
            assertThat(InstallerReader.read(out).token().reveal()).isEqualTo(token.reveal());
            assertThat(InstallerReader.read(out).format()).isEqualTo(InstallerFormat.SCRIPT);
        }

        @Test
        @DisplayName("a script that ends with exit, retagged: one tag line, the last one")
        void retagAndExit() throws Exception {
            Path base = write("exit.sh", "#!/bin/bash\nset -e\necho done\nexit 0\n", "rwx------");
            Path once = dir.resolve("once.sh");
            Path twice = dir.resolve("twice.sh");
            BaseInstaller.open(base).writeTo(Tools.token(), once);
            EnrollmentToken second = Tools.token();
            BaseInstaller.open(once).writeTo(second, twice);
            String text = Files.readString(twice, StandardCharsets.ISO_8859_1);
            assertThat(text.split("# heartbeat-enrollment-token: ", -1)).hasSize(2);
            assertThat(InstallerReader.read(twice).token().reveal()).isEqualTo(second.reveal());
            assertThat(run("bash", twice.toString()).output()).isEqualTo("done\n");
        }

        @Test
        @DisplayName("an unsigned .ps1 with CRLF line ends gets a CRLF tag line; a signed one is refused")
        void powershell() throws Exception {
            Path ps1 = write("install.ps1", "Write-Output \"hello\"\r\nexit 0\r\n", "rw-r--r--");
            BaseInstaller b = BaseInstaller.open(ps1);
            assertThat(b.format()).isEqualTo(InstallerFormat.SCRIPT);
            Path out = dir.resolve("tagged.ps1");
            b.writeTo(Tools.token(), out);
            assertThat(Files.readString(out, StandardCharsets.ISO_8859_1)).matches("(?s)Write-Output \"hello\"\r\nexit 0\r\n# heartbeat-enrollment-token: v4\\.public\\.[^\r\n]+\r\n");
            assertThat(Files.getPosixFilePermissions(out)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
            Path signedPs1 = write("signed.ps1", "Write-Output 1\r\n\r\n# SIG # Begin signature block\r\n# MIIabc\r\n# SIG # End signature block\r\n",
                    "rw-r--r--");
            assertThatThrownBy(() -> BaseInstaller.open(signedPs1)).isInstanceOfSatisfying(InstallerException.class,
                    e -> assertThat(e.getMessage()).contains("signed PowerShell script"));
            // PowerShell itself is not packaged by Debian, so the script is not run here; '#' is its comment character.
        }

        @Test
        @DisplayName("the output is never writable by group or others")
        void modes() throws Exception {
            Path base = write("wide.sh", "#!/bin/sh\ntrue\n", "rwxrwxrwx");
            Path out = dir.resolve("wide-tagged.sh");
            BaseInstaller.open(base).writeTo(Tools.token(), out);
            assertThat(Files.getPosixFilePermissions(out)).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Nested
    @DisplayName("Debian packages")
    class Debs {
        @Test
        @DisplayName("a .deb gets an ar member of its own: ar and dpkg-deb still read it, the token reads back")
        void deb() throws Exception {
            Tools.require("dpkg-deb", "dpkg");
            Tools.require("ar", "binutils");
            Path root = Files.createDirectories(dir.resolve("pkg/DEBIAN"));
            Files.writeString(root.resolve("control"), "Package: heartbeat-test-agent\nVersion: 1.0\nArchitecture: all\n"
                    + "Maintainer: HeartbeatRM <dev@heartbeatrm.example>\nDescription: test fixture\n");
            Path bin = Files.createDirectories(dir.resolve("pkg/opt/heartbeat"));
            Files.writeString(bin.resolve("agent.txt"), "the agent");
            Path deb = dir.resolve("agent.deb");
            Tools.Run build = run("dpkg-deb", "--root-owner-group", "--build", dir.resolve("pkg").toString(), deb.toString());
            assertThat(build.exit()).as(build.output()).isZero();
            BaseInstaller b = BaseInstaller.open(deb);
            assertThat(b.format()).isEqualTo(InstallerFormat.AR);
            EnrollmentToken token = Tools.token();
            Path out = dir.resolve("tagged.deb");
            b.writeTo(token, out);
            Tools.Run members = run("ar", "t", out.toString());
            assertThat(members.exit()).as(members.output()).isZero();
            assertThat(members.output()).contains("debian-binary", "control.tar", "data.tar", "_heartbeat_tag");
            Tools.Run info = run("dpkg-deb", "--info", out.toString());
            assertThat(info.exit()).as(info.output()).isZero();
            assertThat(info.output()).contains("heartbeat-test-agent");
            Tools.Run contents = run("dpkg-deb", "--contents", out.toString());
            assertThat(contents.exit()).as(contents.output()).isZero();
            assertThat(contents.output()).contains("./opt/heartbeat/agent.txt");
            assertThat(InstallerReader.read(out).token().reveal()).isEqualTo(token.reveal());
            Path again = dir.resolve("retagged.deb");
            EnrollmentToken second = Tools.token();
            assertThat(second.length()).as("the fixture makes tokens of one length").isEqualTo(token.length());
            BaseInstaller.open(out).writeTo(second, again);
            assertThat(Files.size(again)).as("the tag member is replaced, not appended again").isEqualTo(Files.size(out));
            assertThat(run("ar", "t", again.toString()).output().lines().filter("_heartbeat_tag"::equals)).hasSize(1);
        }
    }

    @Nested
    @DisplayName("RPM")
    class Rpm {
        @Test
        @DisplayName("an RPM is refused in one line naming the format, and left as it was (rpm -K still passes)")
        void refused() throws Exception {
            Tools.require("rpmbuild", "rpm");
            Path top = Files.createDirectories(dir.resolve("rpmbuild/SPECS"));
            Files.writeString(top.resolve("agent.spec"), "Name: heartbeat-test-agent\nVersion: 1.0\nRelease: 1\nSummary: test\nLicense: none\n"
                    + "BuildArch: noarch\n%description\ntest fixture\n%files\n");
            Tools.Run build = run("rpmbuild", "--define", "_topdir " + dir.resolve("rpmbuild"), "-bb", top.resolve("agent.spec").toString());
            assertThat(build.exit()).as(build.output()).isZero();
            Path rpm;
            try (var files = Files.walk(dir.resolve("rpmbuild/RPMS"))) {
                rpm = files.filter(p -> p.toString().endsWith(".rpm")).findFirst().orElseThrow();
            }
            byte[] before = Files.readAllBytes(rpm);
            assertThat(run("rpm", "-K", "--nosignature", rpm.toString()).exit()).isZero();
            assertThatThrownBy(() -> BaseInstaller.open(rpm)).isInstanceOfSatisfying(InstallerException.class, e -> {
                assertThat(e.reason()).isEqualTo(InstallerException.Reason.UNSUPPORTED);
                assertThat(e.getMessage()).contains("an RPM package").doesNotContain("\n");
            });
            assertThat(Files.readAllBytes(rpm)).isEqualTo(before);
        }
    }
}
