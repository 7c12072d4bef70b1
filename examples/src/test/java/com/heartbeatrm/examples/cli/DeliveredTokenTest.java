package com.heartbeatrm.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.agent.TokenDelivery;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.examples.Deployment;
import com.heartbeatrm.examples.server.ReferenceServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The untagged sample agent beside a delivered token, end to end: {@code installers token} writes the token, the
 * reference server runs on HTTPS (Jetty, the deployment's pinned TLS key), and the sample agent runs as its own
 * process (its classes, not a tagged installer, with the deployment's issuer keys pinned) reading the token from a
 * file, standard input or the environment; a token given as an argument is refused.
 */
@DisplayName("the token delivered beside a generic installer")
class DeliveredTokenTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The sample agent as a process: its compiled classes (no installer tag) with {@code pins} on the class path first. */
    private Run agent(Path pins, Map<String, String> env, String stdin, String... args) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                pins + File.pathSeparator + classPath, "com.heartbeatrm.examples.agent.SampleAgent"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().remove(TokenDelivery.ENVIRONMENT_VARIABLE);
        pb.environment().putAll(env);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.US_ASCII));
        }
        byte[] err = p.getErrorStream().readAllBytes();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** The agent id a sample agent keeps in its state directory. */
    private static String agentIdIn(Path stateDir) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(stateDir.resolve("identity.json").toFile()).path("agentId").asText();
    }

    @Test
    @DisplayName("installers token writes 0600; the untagged agent enrolls from the file (then gone), stdin and the environment")
    // The server only has to run (and be closed) around the agent processes; the body never calls it.
    @SuppressWarnings("try")
    void enrollsWithADeliveredToken() throws Exception {
        int port = freePort();
        String data = tmp.resolve("data").toString();
        CliRun init = cli("--data", data, "--org", "Acme MSP", "init", "--server-url", "https://127.0.0.1:" + port);
        assertThat(init.exit()).as(init.err()).isZero();
        String key = init.out().strip();

        Path tokenFile = tmp.resolve("enrollment-token");
        CliRun written = cli("--data", data, "installers", "token", "--key", key, "--out", tokenFile.toString());
        assertThat(written.exit()).as(written.err()).isZero();
        InstallerId fileInstaller = InstallerId.parse(written.out().strip());
        assertThat(Files.getPosixFilePermissions(tokenFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file left").containsExactlyInAnyOrder("data", "enrollment-token");
        }
        CliRun piped = cli("--data", data, "installers", "token", "--key", key, "--out", "-");
        assertThat(piped.exit()).as(piped.err()).isZero();
        String stdinToken = piped.out().strip();
        Path envFile = tmp.resolve("env-token");
        assertThat(cli("--data", data, "installers", "token", "--key", key, "--out", envFile.toString()).exit()).isZero();
        String envToken = Files.readString(envFile).strip();
        Path singleFile = tmp.resolve("single-token");
        CliRun single = cli("--data", data, "installers", "token", "--key", key, "--single-use", "--out", singleFile.toString());
        assertThat(single.exit()).as(single.err()).isZero();
        String singleToken = Files.readString(singleFile).strip();
        Files.delete(singleFile);

        try (Deployment d = Deployment.open(Path.of(data), null, null, null);
                ReferenceServer server = ReferenceServer.builder(d.server.endpoint(), new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                        .tls(d.tls(), d.dataDir()).build().start()) {
            assertThat(EnrollmentTokenVerifier.builder(d.server.signingKeys().publicKeySet()).build()
                    .verify(com.heartbeatrm.protocol.EnrollmentToken.of(Files.readString(tokenFile).strip())).claims().installerId())
                    .isEqualTo(fileInstaller.value());
            for (String t : List.of(stdinToken, envToken, singleToken)) {
                assertThat(d.server.installers().check(com.heartbeatrm.protocol.EnrollmentToken.of(t)))
                        .as("the server accepts each issued token").isInstanceOf(com.heartbeatrm.enrollment.TokenCheck.Valid.class);
            }
            Path pins = tmp.resolve("pins");
            Files.createDirectories(pins.resolve("heartbeat"));
            Files.writeString(pins.resolve("heartbeat/pinned-keys.json"), d.server.signingKeys().publicKeySet().toJson());

            Run fromFile = agent(pins, Map.of(), "", "--token-file", tokenFile.toString(), "--state-dir", tmp.resolve("pc1").toString());
            assertThat(fromFile.exit()).as(fromFile.err()).isZero();
            assertThat(fromFile.out()).contains("enrolled: agent").contains("Acme MSP");
            assertThat(tokenFile).as("the delivered token file is deleted once enrolled").doesNotExist();
            assertThat(d.admin.agents().listByInstaller(d.admin.organizations().list(com.heartbeatrm.core.PageRequest.first(10)).items().get(0).id(),
                    fileInstaller, com.heartbeatrm.core.PageRequest.first(10)).items()).hasSize(1);

            Run again = agent(pins, Map.of(), "", "--token-file", tokenFile.toString(), "--state-dir", tmp.resolve("pc1").toString(),
                    "--renew-now");
            assertThat(again.exit()).as("the same service command line after the file is gone: it renews; " + again.err()).isZero();
            assertThat(again.out()).contains("renewed");

            Run fromEnv = agent(pins, Map.of(TokenDelivery.ENVIRONMENT_VARIABLE, envToken), "", "--state-dir", tmp.resolve("pc2").toString());
            assertThat(fromEnv.exit()).as(fromEnv.err()).isZero();
            assertThat(fromEnv.out()).contains("enrolled: agent");

            Run fromStdin = agent(pins, Map.of(), stdinToken + "\n", "--token-file", "-", "--state-dir", tmp.resolve("pc3").toString());
            assertThat(fromStdin.exit()).as(fromStdin.err()).isZero();
            assertThat(fromStdin.out()).contains("enrolled: agent");

            // Deleted on the server (protocol.md section 7): with its token still delivered it enrolls again as a new
            // agent; without one (the token file was consumed) it forgets the identity and says to reinstall.
            var org = d.admin.organizations().list(com.heartbeatrm.core.PageRequest.first(10)).items().get(0).id();
            String envAgent = agentIdIn(tmp.resolve("pc2"));
            d.admin.agents().delete(com.heartbeatrm.core.Actor.of("e2e"), org, com.heartbeatrm.core.AgentId.parse(envAgent));
            Run reborn = agent(pins, Map.of(TokenDelivery.ENVIRONMENT_VARIABLE, envToken), "", "--state-dir", tmp.resolve("pc2").toString(),
                    "--renew-now");
            assertThat(reborn.exit()).as(reborn.err()).isZero();
            assertThat(reborn.err()).contains("agent_not_found");
            assertThat(reborn.out()).contains("enrolled: agent").doesNotContain(envAgent);
            assertThat(agentIdIn(tmp.resolve("pc2"))).isNotEqualTo(envAgent);
            d.admin.agents().delete(com.heartbeatrm.core.Actor.of("e2e"), org, com.heartbeatrm.core.AgentId.parse(agentIdIn(tmp.resolve("pc1"))));
            Run orphan = agent(pins, Map.of(), "", "--token-file", tokenFile.toString(), "--state-dir", tmp.resolve("pc1").toString(),
                    "--renew-now");
            assertThat(orphan.exit()).as(orphan.out()).isEqualTo(3);
            assertThat(orphan.err()).contains("agent_not_found").contains("reinstall");
            assertThat(tmp.resolve("pc1").resolve("identity.json")).as("the dead identity is forgotten").doesNotExist();

            Run none = agent(pins, Map.of(), "", "--state-dir", tmp.resolve("pc4").toString());
            assertThat(none.exit()).isEqualTo(4);
            assertThat(none.err()).contains("no enrollment token").contains("--token-file").contains(TokenDelivery.ENVIRONMENT_VARIABLE);

            Run once = agent(pins, Map.of(TokenDelivery.ENVIRONMENT_VARIABLE, singleToken), "", "--state-dir", tmp.resolve("pc6").toString());
            assertThat(once.exit()).as(once.err()).isZero();
            Run twice = agent(pins, Map.of(TokenDelivery.ENVIRONMENT_VARIABLE, singleToken), "", "--state-dir", tmp.resolve("pc7").toString());
            assertThat(twice.exit()).as("a single-use token's second computer: " + twice.out()).isEqualTo(3);
            assertThat(twice.err()).contains("(installer_used)");

            Path open = tmp.resolve("open-token");
            Files.writeString(open, envToken + "\n");
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
            Run unsafe = agent(pins, Map.of(), "", "--token-file", open.toString(), "--state-dir", tmp.resolve("pc5").toString());
            assertThat(unsafe.exit()).isEqualTo(4);
            assertThat(unsafe.err()).contains("accessible to other users").doesNotContain(envToken);
            assertThat(open).exists();
            assertThat(tmp.resolve("pc5")).doesNotExist();
        }
        CliRun listed = cli("--data", data, "installers", "list", "--json");
        assertThat(listed.exit()).as(listed.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode rows = new com.fasterxml.jackson.databind.ObjectMapper().readTree(listed.out());
        assertThat(rows.findParents("maxUses")).singleElement().satisfies(r -> {
            assertThat(r.path("maxUses").asLong()).isEqualTo(1);
            assertThat(r.path("uses").asLong()).isEqualTo(1);
        });
    }

    @Test
    @DisplayName("a token given on the command line is refused, saying why, without echoing it")
    void argumentTokenIsRefused() throws Exception {
        Path pins = tmp.resolve("pins");
        String token = "v4.public.eyJzZWNyZXQiOiJkbyBub3QgZWNobyJ9" + "Q".repeat(86);
        for (String[] args : List.of(new String[] {"--token", token}, new String[] {"--token=" + token}, new String[] {token},
                new String[] {"--state-dir", tmp.resolve("pc").toString(), "--enrollment-token", token})) {
            Run r = agent(pins, Map.of(), "", args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(64);
            assertThat(r.err()).contains("never taken from the command line").contains("--token-file").contains(TokenDelivery.ENVIRONMENT_VARIABLE)
                    .doesNotContain(token).doesNotContain("eyJzZWNyZXQi");
            assertThat(r.out()).doesNotContain("eyJzZWNyZXQi");
        }
        assertThat(tmp.resolve("pc")).doesNotExist();
    }
}
