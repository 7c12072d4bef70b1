package com.heartbeatrm.tpm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real swtpm process on free loopback ports, with its state in a directory of its own. Outside CI a missing swtpm
 * skips the test with the reason; under CI=true it fails.
 */
public final class Swtpm implements AutoCloseable {
    static final boolean CI = "true".equals(System.getenv("CI"));
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int TOOL_SECONDS = 30;

    private final Process process;
    private final int port;
    final Path stateDir;

    private Swtpm(Process process, int port, Path stateDir) {
        this.process = process;
        this.port = port;
        this.stateDir = stateDir;
    }

    static void requireTools(String... commands) {
        for (String command : commands) {
            boolean found = false;
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                String message = command + " is not installed (Debian: swtpm, swtpm-tools, tpm2-tools)";
                if (CI) {
                    throw new AssertionError(message + "; CI=true requires it");
                }
                Assumptions.abort(message);
            }
        }
    }

    /** A TPM manufactured by swtpm_setup with RSA and ECC EKs; their certificates are issued by {@code ca} if given. */
    public static Swtpm manufactured(Path dir, TestCa ca) throws IOException, InterruptedException {
        requireTools("swtpm", "swtpm_setup", "swtpm_localca");
        Path state = Files.createDirectories(dir.resolve("state"));
        List<String> command = new ArrayList<>(List.of("swtpm_setup", "--tpm2", "--tpmstate", state.toString(), "--createek",
                "--overwrite"));
        if (ca != null) {
            Path conf = ca.swtpmSetupConfig(dir);
            command.addAll(List.of("--create-ek-cert", "--create-platform-cert", "--config", conf.toString()));
        } else {
            Path conf = dir.resolve("swtpm_setup.conf");
            Files.writeString(conf, "active_pcr_banks = sha256\n");
            command.addAll(List.of("--config", conf.toString()));
        }
        run(dir, command);
        return start(state);
    }

    /** A fresh TPM with no provisioning at all: new seeds, no EK certificate. */
    static Swtpm fresh(Path dir) throws IOException, InterruptedException {
        requireTools("swtpm");
        return start(Files.createDirectories(dir.resolve("state")));
    }

    static void run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path log = dir.resolve("command-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(TOOL_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish in " + TOOL_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    static Swtpm start(Path state) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            int port = freePortPair();
            Process p = new ProcessBuilder("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state,
                    "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                    "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
                    "--flags", "not-need-init,startup-clear")
                    .redirectErrorStream(true)
                    .redirectOutput(state.resolveSibling("swtpm-" + port + ".log").toFile())
                    .start();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline && p.isAlive()) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return new Swtpm(p, port, state);
                } catch (IOException notYet) {
                    Thread.sleep(20);
                }
            }
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            if (attempt >= 4) {
                throw new AssertionError("swtpm did not listen within " + TIMEOUT + " (see the logs in " + state.getParent() + ")");
            }
        }
    }

    private static int freePortPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket a = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                int p = a.getLocalPort();
                if (p >= 65535) {
                    continue;
                }
                try {
                    new ServerSocket(p + 1, 1, java.net.InetAddress.getLoopbackAddress()).close();
                    return p;
                } catch (IOException taken) {
                    // try another pair
                }
            }
        }
        throw new IOException("no free loopback port pair");
    }

    public TpmTcti tcti() {
        return TpmTcti.swtpm("127.0.0.1", port);
    }

    public int port() {
        return port;
    }

    public Tpm open() throws TpmException {
        return Tpm.open(tcti(), TIMEOUT);
    }

    /** Runs a tpm2-tools command against this TPM (TPM2TOOLS_TCTI) and returns its standard output. */
    String tpm2(Path dir, String... command) throws IOException, InterruptedException {
        requireTools(command[0]);
        Path out = dir.resolve("tpm2-" + System.nanoTime() + ".out");
        Path err = dir.resolve("tpm2-" + System.nanoTime() + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("TPM2TOOLS_TCTI", "swtpm:host=127.0.0.1,port=" + port);
        Process p = pb.start();
        if (!p.waitFor(TOOL_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command[0] + " did not finish in " + TOOL_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + Files.readString(err));
        }
        return Files.readString(out);
    }

    /** Whether the swtpm process ended within {@code wait}. */
    boolean exitsWithin(Duration wait) throws InterruptedException {
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
