package com.heartbeatrm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Another local user, {@code nobody}, acting through {@code runuser}: the tests run as root, as CI does. */
final class OtherUser {
    static final String NAME = "nobody";

    private OtherUser() {
    }

    /** Aborts the test where {@code runuser -u nobody} cannot work (not root); fails instead under {@code CI=true}. */
    static void require() {
        boolean works;
        try {
            Process p = new ProcessBuilder("runuser", "-u", NAME, "--", "true").redirectErrorStream(true).start();
            works = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            works = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            works = false;
        }
        if (!works) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("runuser -u nobody does not work here, and CI=true requires this test (run as root)");
            }
            Assumptions.abort("needs root and runuser to act as user nobody (run the tests as root, as CI does)");
        }
    }

    /** Runs {@code script} under {@code sh -c} as nobody, with {@code stdin} as its input; it must succeed. */
    static void sh(String script, byte[] stdin) throws Exception {
        Process p = new ProcessBuilder("runuser", "-u", NAME, "--", "sh", "-c", script).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("as nobody: %s -> %s", script, out).isZero();
    }

    static void sh(String script) throws Exception {
        sh(script, new byte[0]);
    }

    static UserPrincipal principal() throws IOException {
        return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(NAME);
    }

    /** A path quoted for {@code sh}. */
    static String q(Object path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }
}
