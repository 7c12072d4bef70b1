package com.heartbeatrm.examples.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A software TPM for the demo: a manufacturer CA made with openssl, a swtpm manufactured by swtpm_setup with an EK
 * certificate that CA issues (swtpm_localca), and the swtpm process serving it on a free loopback port. Everything
 * lives in an owner-only directory; {@link #close()} ends the process. Made by {@link #manufacture} only.
 *
 * @param process       the swtpm process
 * @param port          its TCP command port on loopback (the control port is the next one)
 * @param caCertificate where the CA's certificate is, for the commands a user types
 */
record SoftwareTpm(Process process, int port, Path caCertificate) implements AutoCloseable {
    /** The tools the software TPM needs, with the Debian packages that hold them. */
    static final String TOOLS = "swtpm, swtpm_setup and swtpm_localca (Debian: swtpm swtpm-tools) and openssl";
    private static final int TOOL_SECONDS = 60;

    /** {@return the first tool missing from the PATH, or empty when all are there} */
    static Optional<String> missingTool() {
        return Stream.of("swtpm", "swtpm_setup", "swtpm_localca", "openssl").filter(c -> which(c).isEmpty()).findFirst();
    }

    /** Makes the CA, manufactures the TPM with its EK certificate and starts swtpm on loopback. */
    static SoftwareTpm manufacture(Path dir, String caName) throws IOException, InterruptedException {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path ca = Files.createDirectory(dir.resolve("ca"));
        Path state = Files.createDirectory(dir.resolve("state"));
        run(dir, List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca.resolve("signkey.pem").toString(),
                "-out", ca.resolve("issuercert.pem").toString(), "-days", "30", "-subj", "/CN=" + caName,
                "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
        Files.writeString(ca.resolve("certserial"), "1\n");
        Path localca = dir.resolve("swtpm-localca.conf");
        Files.writeString(localca, "statedir = " + ca + "\nsigningkey = " + ca.resolve("signkey.pem") + "\nissuercert = "
                + ca.resolve("issuercert.pem") + "\ncertserial = " + ca.resolve("certserial") + "\n");
        Path options = dir.resolve("swtpm-localca.options");
        Files.writeString(options, "--platform-manufacturer HeartbeatRM-Demo\n--platform-version 2.1\n--platform-model demo\n");
        Path setup = dir.resolve("swtpm_setup.conf");
        Files.writeString(setup, "create_certs_tool = " + which("swtpm_localca").orElseThrow() + "\ncreate_certs_tool_config = " + localca
                + "\ncreate_certs_tool_options = " + options + "\nactive_pcr_banks = sha256\n");
        run(dir, List.of("swtpm_setup", "--tpm2", "--tpmstate", state.toString(), "--createek", "--create-ek-cert",
                "--create-platform-cert", "--overwrite", "--config", setup.toString()));
        for (int attempt = 0; ; attempt++) {
            int port = freePortPair();
            Process p = new ProcessBuilder("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state,
                    "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1", "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1",
                    "--flags", "not-need-init,startup-clear").redirectErrorStream(true).redirectOutput(dir.resolve("swtpm-" + port + ".log").toFile())
                    .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && p.isAlive()) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                    return new SoftwareTpm(p, port, ca.resolve("issuercert.pem"));
                } catch (IOException notYet) {
                    Thread.sleep(20);
                }
            }
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            if (attempt >= 4) {
                throw new IOException("swtpm did not listen on loopback within 10 s (its log is in " + dir + ")");
            }
        }
    }

    /** {@return the manufacturer CA's certificate, PEM, as an organization trusts it} */
    byte[] caCertificatePem() throws IOException {
        return Files.readAllBytes(caCertificate);
    }

    /** {@return the sample agent's {@code --tpm} argument for this TPM} */
    String tcti() {
        return "swtpm:host=127.0.0.1,port=" + port;
    }

    /** {@return where {@code command} is on the PATH, if it is} */
    private static Optional<Path> which(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, command)).filter(Files::isExecutable).findFirst();
    }

    private static void run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path log = dir.resolve(command.get(0) + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(TOOL_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command.get(0) + " did not finish in " + TOOL_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(command.get(0) + " exited " + p.exitValue() + ": " + Files.readString(log, StandardCharsets.UTF_8).strip());
        }
    }

    private static int freePortPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = a.getLocalPort();
                if (p >= 65535) {
                    continue;
                }
                try {
                    new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress()).close();
                    return p;
                } catch (IOException taken) {
                    // try another pair
                }
            }
        }
        throw new IOException("no free loopback port pair");
    }

    /**
     * Ends swtpm at once, as a failed start does: the demo's TPM state lives in the demo's temporary directory and is
     * thrown away with it, so there is nothing for swtpm to write back on a gentle stop.
     */
    @Override
    public void close() {
        try {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
