package com.heartbeatrm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another local user ({@code nobody}, through {@code runuser}) against a deployment that is open: it can neither
 * read the data directory nor run a statement through the embedded database's TCP port.
 */
@DisplayName("another local user")
class LocalUserIsolationTest {
    @TempDir
    Path tmp;

    private static boolean canRunAsNobody() {
        try {
            Process p = new ProcessBuilder("runuser", "-u", "nobody", "--", "true").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private record Run(int exit, String output) {
    }

    private static Run asNobody(String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "nobody", "--"));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    @DisplayName("data directory 0700, files 0600; nobody cannot list, read, or connect to the database port with any password")
    void nobodyGetsNothing() throws Exception {
        if (!canRunAsNobody()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("runuser -u nobody does not work here, and CI=true requires this test (run as root)");
            }
            Assumptions.abort("needs root and runuser to act as user nobody (run the tests as root, as CI does)");
        }
        // A world-traversable parent, so that only the data directory's own permissions protect it.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path data = tmp.resolve("data");
        try (Deployment d = Deployment.open(data, null, null, null)) {
            d.server.signingKeys().ensureActiveKey();
            d.admin.organizations().setUp(com.heartbeatrm.core.Actor.of("alice"), "Acme");
            Deployment.protectFiles(data);

            assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            try (var files = Files.list(data)) {
                for (Path f : files.toList()) {
                    if (Files.isRegularFile(f)) {
                        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
                        assertThat(perms).as(f.getFileName().toString()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
                    }
                }
            }
            assertThat(asNobody("ls", data.toString()).exit()).isNotZero();
            assertThat(asNobody("cat", data.resolve("heartbeat.mv.db").toString()).exit()).isNotZero();
            assertThat(asNobody("cat", data.resolve("kek.bin").toString()).exit()).isNotZero();
            assertThat(asNobody("cat", data.resolve("db-password").toString()).exit()).isNotZero();

            // The AUTO_SERVER port, as the lock file names it (read here as the owner): loopback only, and a password.
            Properties lock = new Properties();
            try (var in = Files.newInputStream(data.resolve("heartbeat.lock.db"))) {
                lock.load(in);
            }
            String server = lock.getProperty("server");
            assertThat(server).as("AUTO_SERVER is running").isNotNull();
            int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
            // Bound to loopback only: no other address of this machine accepts on that port.
            for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                for (java.net.InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && a instanceof java.net.Inet4Address) {
                        try (java.net.Socket probe = new java.net.Socket()) {
                            probe.connect(new java.net.InetSocketAddress(a, port), 1_000);
                            throw new AssertionError("the database port answers on " + a.getHostAddress());
                        } catch (IOException refused) {
                            // as it should
                        }
                    }
                }
            }
            Path h2 = Path.of(org.h2.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path h2Copy = tmp.resolve("h2.jar");
            Files.copy(h2, h2Copy);
            Files.setPosixFilePermissions(h2Copy, PosixFilePermissions.fromString("rw-r--r--"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String url = "jdbc:h2:tcp://" + server + "/" + data.toAbsolutePath().resolve("heartbeat");
            for (String[] creds : new String[][] {{"heartbeat", ""}, {"sa", ""}, {"heartbeat", "heartbeat"}}) {
                Run r = asNobody(java, "-cp", h2Copy.toString(), "org.h2.tools.Shell", "-url", url, "-user", creds[0], "-password", creds[1],
                        "-sql", "SELECT COUNT(*) FROM hb_organization");
                assertThat(r.exit()).as("user %s: %s", creds[0], r.output()).isNotZero();
                assertThat(r.output()).doesNotContain("Acme").as("refused for the password, not for anything else")
                        .containsIgnoringCase("password");
            }
        }
    }
}
