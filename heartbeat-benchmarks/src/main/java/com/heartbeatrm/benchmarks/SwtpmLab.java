package com.heartbeatrm.benchmarks;

import com.heartbeatrm.tpm.Tpm;
import com.heartbeatrm.tpm.TpmException;
import com.heartbeatrm.tpm.TpmTcti;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real swtpm for the benchmarks' set-up: manufactured by {@code swtpm_setup} with an RSA 2048 EK certificate issued by
 * a CA made here with openssl, then started on a loopback port. Closing stops it and deletes its directory. Needs
 * swtpm, swtpm_setup, swtpm_localca and openssl on the PATH.
 */
final class SwtpmLab implements AutoCloseable {
    private final Path dir;
    private final Process swtpm;
    private final int port;
    /** The CA that issued the EK certificate: what a verifier or an organization trusts. */
    final X509Certificate caCertificate;

    SwtpmLab() throws IOException, InterruptedException, java.security.GeneralSecurityException {
        dir = Files.createTempDirectory("hb-tpm-bench");
        Process started = null;
        try {
            Path ca = Files.createDirectories(dir.resolve("ca"));
            run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca.resolve("signkey.pem").toString(),
                    "-out", ca.resolve("issuercert.pem").toString(), "-days", "30", "-subj", "/CN=Benchmark TPM CA",
                    "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
            Files.writeString(ca.resolve("certserial"), "1\n");
            Files.writeString(dir.resolve("localca.conf"), "statedir = " + ca + "\nsigningkey = " + ca.resolve("signkey.pem")
                    + "\nissuercert = " + ca.resolve("issuercert.pem") + "\ncertserial = " + ca.resolve("certserial") + "\n");
            Files.writeString(dir.resolve("localca.options"), "--platform-manufacturer bench\n--platform-version 2.1\n--platform-model bench\n");
            Files.writeString(dir.resolve("setup.conf"), "create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = "
                    + dir.resolve("localca.conf") + "\ncreate_certs_tool_options = " + dir.resolve("localca.options")
                    + "\nactive_pcr_banks = sha256\n");
            Path state = Files.createDirectories(dir.resolve("state"));
            run(dir, "swtpm_setup", "--tpm2", "--tpmstate", state.toString(), "--createek", "--create-ek-cert",
                    "--config", dir.resolve("setup.conf").toString(), "--overwrite");
            try (InputStream in = Files.newInputStream(ca.resolve("issuercert.pem"))) {
                caCertificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            port = freePortPair();
            started = new ProcessBuilder("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state,
                    "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                    "--ctrl", "type=tcp,port=" + (port + 1) + ",bindaddr=127.0.0.1", "--flags", "not-need-init,startup-clear")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("swtpm.log").toFile()).start();
            awaitListening(port, started);
            swtpm = started;
        } catch (IOException | InterruptedException | java.security.GeneralSecurityException | RuntimeException e) {
            stop(started);
            delete(dir);
            throw e;
        }
    }

    /** {@return a new connection to the running swtpm} */
    Tpm open() throws TpmException {
        return Tpm.open(TpmTcti.swtpm("127.0.0.1", port), Duration.ofSeconds(10));
    }

    @Override
    public void close() throws IOException {
        stop(swtpm);
        delete(dir);
    }

    private static void stop(Process p) {
        if (p != null) {
            p.destroy();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                .redirectOutput(dir.resolve(command[0] + ".log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(command[0] + " failed: " + Files.readString(dir.resolve(command[0] + ".log")));
        }
    }

    private static int freePortPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = a.getLocalPort();
                try {
                    new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress()).close();
                    return p;
                } catch (IOException taken) {
                    // another pair
                }
            }
        }
        throw new IOException("no free loopback port pair");
    }

    private static void awaitListening(int port, Process swtpm) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && swtpm.isAlive()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IOException("swtpm did not listen on " + port);
    }
}
