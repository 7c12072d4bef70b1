package com.heartbeatrm.examples.hsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SoftHSM2 tokens made by the test with {@code softhsm2-util}, in a token directory of the test's own. SoftHSM reads
 * its configuration from {@code SOFTHSM2_CONF} once per process, so the surefire configuration names a file under
 * {@code target/} and this class writes it once per test JVM, pointing at a fresh temporary token directory. Every
 * token must be initialized before the first SunPKCS11 provider loads the library.
 */
public final class SoftHsm {
    public static final Path LIBRARY = Path.of("/usr/lib/softhsm/libsofthsm2.so");
    public static final String USER_PIN = "1234-test-pin";
    private static final String SO_PIN = "5678-so-pin";
    private static Path tokenDir;

    private SoftHsm() {
    }

    /** A token ready for SunPKCS11: its label, its slot, a configuration file and an owner-only PIN file. */
    public record Token(String label, long slot, Path config, Path pinFile) {
    }

    /** The configuration SoftHSM (and softhsm2-util, p11tool) read in this JVM. */
    public static synchronized Path conf() throws IOException {
        String env = System.getenv("SOFTHSM2_CONF");
        assertThat(env).as("SOFTHSM2_CONF (set by surefire in the parent pom)").isNotBlank();
        Path conf = Path.of(env);
        if (tokenDir == null) {
            tokenDir = Files.createTempDirectory("softhsm-tokens");
            Files.createDirectories(conf.toAbsolutePath().getParent());
            Files.writeString(conf, "directories.tokendir = " + tokenDir + "\nobjectstore.backend = file\nlog.level = ERROR\n",
                    StandardCharsets.UTF_8);
        }
        return conf;
    }

    /** Initializes a new token labelled {@code label}; writes its SunPKCS11 configuration and PIN file in {@code dir}. */
    public static Token initToken(String label, Path dir) throws Exception {
        String out = run(List.of("softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", USER_PIN));
        Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
        assertThat(m.find()).as("softhsm2-util said: %s", out).isTrue();
        long slot = Long.parseLong(m.group(1));
        Path config = dir.resolve(label + ".cfg");
        Files.writeString(config, "name = " + label.replaceAll("[^A-Za-z0-9]", "") + "\nlibrary = " + LIBRARY + "\nslot = " + slot + "\n",
                StandardCharsets.UTF_8);
        Path pin = dir.resolve(label + ".pin");
        Files.writeString(pin, USER_PIN + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(pin, PosixFilePermissions.fromString("rw-------"));
        return new Token(label, slot, config, pin);
    }

    /**
     * The flags of every private key on the token as GnuTLS's {@code p11tool} (an independent PKCS#11 client) reads
     * them, one line of {@code CKA_...;} flags per key.
     */
    public static List<String> privateKeyFlags(Token token) throws Exception {
        String out = run(List.of("p11tool", "--provider", LIBRARY.toString(), "--login", "--set-pin", USER_PIN,
                "--list-all-privkeys", "pkcs11:token=" + token.label()));
        List<String> flags = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.strip().startsWith("Flags:")) {
                flags.add(line.strip());
            }
        }
        return flags;
    }

    static String run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SOFTHSM2_CONF", conf().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s said: %s", command.get(0), out).isZero();
        return out;
    }
}
