package com.heartbeatrm.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real SoftHSM2 tokens for the PKCS#11 custody. SoftHSM2 reads {@code SOFTHSM2_CONF} (set by surefire to a file
 * under {@code target/}) and scans its tokens once per process, at the first {@code C_Initialize}: so every token
 * the tests use is made here, with {@code softhsm2-util --init-token}, before any test opens one.
 */
final class SoftHsm2 {
    static final String PIN = "4711-agent";
    private static final List<String> TOKENS = List.of("agent-a", "agent-b", "agent-c");
    private static final Map<String, Integer> SLOTS = new ConcurrentHashMap<>();
    private static Path root;

    private SoftHsm2() {
    }

    static synchronized Path root() throws IOException, InterruptedException {
        if (root != null) {
            return root;
        }
        String conf = System.getenv("SOFTHSM2_CONF");
        if (conf == null) {
            throw new AssertionError("SOFTHSM2_CONF is not set: run the tests through Maven (surefire sets it)");
        }
        Path confFile = Path.of(conf);
        Path dir = confFile.getParent();
        Path tokens = dir.resolve("tokens-" + ProcessHandle.current().pid());
        Files.createDirectories(tokens);
        Files.writeString(confFile, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Pattern slot = Pattern.compile("reassigned to slot (\\d+)");
        for (String label : TOKENS) {
            Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", "so-" + PIN)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new AssertionError("softhsm2-util --init-token failed: " + out);
            }
            Matcher m = slot.matcher(out);
            if (!m.find()) {
                throw new AssertionError("softhsm2-util said no slot: " + out);
            }
            SLOTS.put(label, Integer.parseInt(m.group(1)));
        }
        root = dir;
        return dir;
    }

    /** A SunPKCS11 configuration file for {@code token} in {@code dir}. */
    static Path config(Path dir, String token) throws IOException, InterruptedException {
        root();
        Path f = dir.resolve(token + ".cfg");
        Files.writeString(f, "name = hb-" + token + "\nlibrary = " + library() + "\nslot = " + SLOTS.get(token) + "\n");
        return f;
    }

    /** An owner-only PIN file holding {@code pin} and a line end. */
    static Path pinFile(Path dir, String pin) throws IOException {
        Path f = dir.resolve("pin-" + Integer.toHexString(pin.hashCode()));
        Files.writeString(f, pin + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private static String library() {
        for (String candidate : List.of("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so")) {
            if (Files.isRegularFile(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new AssertionError("libsofthsm2.so not found: install softhsm2 (.ci/run does)");
    }
}
