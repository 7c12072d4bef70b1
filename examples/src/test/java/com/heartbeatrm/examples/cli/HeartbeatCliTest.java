package com.heartbeatrm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The reference CLI run in-process on real files and real H2 databases. */
@DisplayName("the reference CLI")
public class HeartbeatCliTest {
    private static final AtomicBoolean SLOW_OPEN_DONE = new AtomicBoolean();
    @TempDir
    Path tmp;

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    /** Called by H2 (an INIT alias): the first open of the database takes 3 s, as on a loaded machine. */
    public static void slowFirstOpen() throws InterruptedException {
        if (SLOW_OPEN_DONE.compareAndSet(false, true)) {
            Thread.sleep(3_000);
        }
    }

    private static void commands(CommandLine c, List<String> path, List<List<String>> all) {
        all.add(path);
        c.getSubcommands().forEach((name, sub) -> {
            if (name.equals(sub.getCommandName())) {
                List<String> p = new ArrayList<>(path);
                p.add(name);
                commands(sub, p, all);
            }
        });
    }

    @Test
    @DisplayName("every command and subcommand, found by walking picocli's tree, answers --help with exit 0")
    void everyCommandAnswersHelp() {
        List<List<String>> all = new ArrayList<>();
        commands(new CommandLine(new HeartbeatCli()), List.of(), all);
        assertThat(all).hasSizeGreaterThan(40).contains(List.of("installers", "inspect"), List.of("tls", "rotate"), List.of("keys"));
        for (List<String> path : all) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRun r = cli(args.toArray(String[]::new));
            assertThat(r.exit()).as("%s: %s", args, r.err()).isZero();
            assertThat(r.out()).as(args.toString()).contains("Usage: heartbeat" + (path.isEmpty() ? "" : " " + String.join(" ", path)));
        }
    }

    @Test
    @DisplayName("installers inspect prints the installer's format with the token's claims")
    void inspectPrintsTheFormat() throws Exception {
        String data = tmp.resolve("data").toString();
        CliRun init = cli("--data", data, "init", "--org", "Acme MSP", "--server-url", "http://127.0.0.1:8080");
        assertThat(init.exit()).as(init.err()).isZero();
        String key = init.out().strip();
        Path script = tmp.resolve("setup.sh");
        Files.writeString(script, "#!/bin/sh\necho installed\n");
        Path binary = tmp.resolve("setup.bin");
        Files.write(binary, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        ObjectMapper json = new ObjectMapper();
        for (Object[] c : new Object[][] {{script, "script", ".sh"}, {binary, "trailer", ".bin"}}) {
            Path out = tmp.resolve("tagged" + c[2]);
            CliRun gen = cli("--data", data, "installers", "generate", "--key", key, "--base", c[0].toString(), "--out", out.toString());
            assertThat(gen.exit()).as(gen.err()).isZero();
            CliRun inspect = cli("--data", data, "installers", "inspect", out.toString());
            assertThat(inspect.exit()).as(inspect.err()).isZero();
            JsonNode claims = json.readTree(inspect.out());
            assertThat(claims.path("format").asText()).isEqualTo(c[1]);
            assertThat(claims.path("installerId").asText()).isEqualTo(gen.out().strip());
        }
    }

    @Test
    @DisplayName("groups set takes the stale and ephemeral agent rules, groups show prints them; serve refuses a negative retention")
    void retentionSettings() {
        String data = tmp.resolve("data").toString();
        CliRun init = cli("--data", data, "init", "--org", "Acme MSP", "--server-url", "http://127.0.0.1:8080");
        assertThat(init.exit()).as(init.err()).isZero();
        CliRun set = cli("--data", data, "groups", "set", "/", "staleAgents=disable:30d", "ephemeralAgents=8h");
        assertThat(set.exit()).as(set.err()).isZero();
        CliRun show = cli("--data", data, "groups", "show", "/");
        assertThat(show.out()).containsPattern("staleAgents\\s+disable:30d").containsPattern("ephemeralAgents\\s+8h");
        CliRun bad = cli("--data", data, "groups", "set", "/", "ephemeralAgents=disable:8h");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("only removes");
        CliRun serve = cli("--data", data, "serve", "--audit-retention-days", "-1");
        assertThat(serve.exit()).isNotZero();
        assertThat(serve.err()).contains("--audit-retention-days");
    }

    @Test
    @DisplayName("--jdbc-password is refused before any command runs, saying why, without echoing the password")
    void passwordOnTheCommandLineIsRefused() {
        for (String[] args : List.of(new String[] {"--jdbc-password", "s3cret-pw", "tls", "show"},
                new String[] {"--data", tmp.resolve("data").toString(), "keys", "list", "--jdbc-password", "s3cret-pw"})) {
            CliRun r = cli(args);
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("visible to every local user").contains("HEARTBEAT_JDBC_PASSWORD").contains("--jdbc-password-file")
                    .doesNotContain("s3cret-pw");
            assertThat(r.out()).doesNotContain("s3cret-pw");
        }
        assertThat(tmp.resolve("data")).as("nothing was opened").doesNotExist();
    }

    @Test
    @DisplayName("--jdbc-password-file: an owner-only regular file's first line reaches the database; others are refused")
    void passwordFile() throws Exception {
        String url = "jdbc:h2:file:" + tmp.resolve("db").resolve("hb");
        Files.createDirectory(tmp.resolve("db"));
        DriverManager.getConnection(url, "sa", "right-pw").close();
        Path pw = tmp.resolve("pw");
        Files.writeString(pw, "right-pw\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        CliRun ok = cli("--data", tmp.resolve("data").toString(), "--jdbc-url", url, "--jdbc-user", "sa", "--jdbc-password-file", pw.toString(),
                "signing-keys", "list");
        assertThat(ok.exit()).as(ok.err()).isZero();
        Files.writeString(pw, "wrong-pw\r\n");
        CliRun wrong = cli("--data", tmp.resolve("data").toString(), "--jdbc-url", url, "--jdbc-user", "sa", "--jdbc-password-file", pw.toString(),
                "signing-keys", "list");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).containsIgnoringCase("password").doesNotContain("wrong-pw");

        HeartbeatCli root = new HeartbeatCli();
        assertThat(root.jdbcPassword("from-env")).as("no file: the environment's").isEqualTo("from-env");
        root.jdbcPasswordFile = pw;
        assertThat(root.jdbcPassword("from-env")).as("the file wins, its line ending dropped").isEqualTo("wrong-pw");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> root.jdbcPassword(null)).hasMessageContaining("other users may read it").hasMessageContaining(pw.toString());
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        Path link = tmp.resolve("pw-link");
        Files.createSymbolicLink(link, pw);
        root.jdbcPasswordFile = link;
        assertThatThrownBy(() -> root.jdbcPassword(null)).hasMessageContaining("not a regular file");
        root.jdbcPasswordFile = pw;
        Files.setOwner(pw, FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        assertThatThrownBy(() -> root.jdbcPassword(null)).hasMessageContaining("owned by another user");
        Files.write(pw, new byte[5000]);
        Files.setOwner(pw, FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name")));
        assertThatThrownBy(() -> root.jdbcPassword(null)).hasMessageContaining("larger than");
    }

    @Test
    @DisplayName("H2's first open gets the time it needs: 3 s is more than the pool's 1.5 s, and init still succeeds")
    void slowFirstOpenOfH2() {
        String data = tmp.resolve("data").toString();
        String url = "jdbc:h2:file:" + tmp.resolve("data").resolve("slow") + ";INIT=CREATE ALIAS IF NOT EXISTS HB_SLOW FOR '"
                + HeartbeatCliTest.class.getName() + ".slowFirstOpen'\\;CALL HB_SLOW()";
        SLOW_OPEN_DONE.set(false);
        CliRun r = cli("--data", data, "--jdbc-url", url, "init", "--org", "Acme MSP", "--server-url", "http://127.0.0.1:8080");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(SLOW_OPEN_DONE).isTrue();
        assertThat(r.out()).startsWith("hbk_");
    }

    @Test
    @DisplayName("a --data that is a link another user placed, or another user's directory, is refused and left as it was")
    void dataDirectoryPlantedByAnotherUser() throws Exception {
        if (!runsAsNobody("true")) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("runuser -u nobody does not work here, and CI=true requires this test (run as root)");
            }
            Assumptions.abort("needs root and runuser to act as user nobody (run the tests as root, as CI does)");
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path target = Files.createDirectory(tmp.resolve("root-owned"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = tmp.resolve("data-link");
        Path foreign = tmp.resolve("data-nobody");
        assertThat(runsAsNobody("ln -s '" + target + "' '" + link + "' && mkdir -m 777 '" + foreign + "'")).isTrue();
        for (Path data : List.of(link, foreign)) {
            CliRun r = cli("--data", data.toString(), "init", "--org", "Acme MSP", "--server-url", "http://127.0.0.1:8080");
            assertThat(r.exit()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).contains(data.toString()).contains("refused as a private directory");
        }
        assertThat(Files.getPosixFilePermissions(target)).as("not chmod-ed through the link").isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(Files.getPosixFilePermissions(foreign)).isEqualTo(PosixFilePermissions.fromString("rwxrwxrwx"));
        try (var files = Files.list(target); var more = Files.list(foreign)) {
            assertThat(files.toList()).isEmpty();
            assertThat(more.toList()).as("no secret written there").isEmpty();
        }
    }

    private static boolean runsAsNobody(String script) throws Exception {
        try {
            Process p = new ProcessBuilder("runuser", "-u", "nobody", "--", "sh", "-c", script).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException noRunuser) {
            return false;
        }
    }

    @Test
    @DisplayName("a failed init leaves every file in the data directory owner-only, H2's included")
    void failedInitLeavesNothingOpen() throws Exception {
        Path data = tmp.resolve("data");
        CliRun r = cli("--data", data.toString(), "--jdbc-url", "jdbc:h2:file:" + data.resolve("heartbeat") + ";INIT=CALL NO_SUCH_FUNCTION()",
                "init", "--org", "Acme MSP");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(data.resolve("heartbeat.mv.db")).as("H2 created its file before it failed").exists();
        assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (var files = Files.list(data)) {
            for (Path f : files.toList()) {
                assertThat(Files.getPosixFilePermissions(f)).as(f.getFileName().toString()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            }
        }
    }
}
