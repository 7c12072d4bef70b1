package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.SigningPublicKey;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Assumptions;

/** Test helpers: real tokens, real files, real external tools. */
final class Tools {
    static final boolean CI = "true".equals(System.getenv("CI"));
    /** The test issuer: an Ed25519 key pair signing real tokens with the agent module's codec. */
    private static final AgentKeyPair ISSUER = AgentKeyPair.generate();
    private static final SigningPublicKey ISSUER_PUBLIC = SigningPublicKey.of(ISSUER.publicKey());
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private Tools() {
    }

    /** A fresh, real enrollment token (about 450 characters). */
    static EnrollmentToken token() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String jti = "ins_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        // Whole seconds: Instant.toString() writes 0, 3, 6 or 9 fraction digits, and tests that re-tag compare sizes.
        java.time.Instant now = Clock.systemUTC().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        EnrollmentClaims claims = new EnrollmentClaims(EnrollmentClaims.FORMAT_VERSION, "https://rmm.example", "org_AAAAAAAAAAAAAAAAAAAAAA",
                "hbk_BBBBBBBBBBBBBBBBBBBBBA", jti, now, java.util.Optional.of(now.plusSeconds(86_400)),
                List.of(URI.create("https://rmm.example/v1/")), List.of(), java.util.Optional.empty());
        return EnrollmentToken.sign(claims, ISSUER_PUBLIC.keyId(), ISSUER::sign);
    }

    static EnrollmentTokenVerifier verifier() {
        return EnrollmentTokenVerifier.builder(PinnedKeySet.of(ISSUER_PUBLIC)).build();
    }


    /** Runs a command; returns exit code and output. */
    record Run(int exit, String output) {
    }

    static Run run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** Requires an external tool: under CI=true its absence fails; elsewhere the test is skipped with how to get it. */
    static void require(String tool, String debianPackage) {
        boolean present;
        try {
            present = new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            present = false;
        }
        if (!present) {
            String message = tool + " is not installed (apt-get install " + debianPackage + ")";
            if (CI) {
                throw new AssertionError(message + "; CI=true requires it (.ci/run installs it)");
            }
            Assumptions.abort(message);
        }
    }

    /** A runnable JAR whose main class prints {@code message}; compiled here with the JDK's javac. */
    static Path runnableJar(Path dir, String message) throws IOException {
        Path src = dir.resolve("src/Hello.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "public class Hello { public static void main(String[] a) { System.out.println(\"" + message + "\"); } }");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        try {
            Run javac = run(dir, jdkTool("javac"), "--release", "17", "-d", classes.toString(), src.toString());
            assertThat(javac.exit()).as(javac.output()).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Hello");
        Path jar = dir.resolve("hello.jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os, mf)) {
            jos.putNextEntry(new JarEntry("Hello.class"));
            jos.write(Files.readAllBytes(classes.resolve("Hello.class")));
            jos.closeEntry();
            jos.putNextEntry(new JarEntry("data/readme.txt"));
            jos.write("payload".getBytes(StandardCharsets.UTF_8));
            jos.closeEntry();
        }
        return jar;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String jdkTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    /** {@code size} random bytes that begin like an ELF executable: a binary that is no other format (it gets a footer). */
    static byte[] elfLike(int size, RandomGenerator random) {
        byte[] elf = new byte[size];
        random.nextBytes(elf);
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        return elf;
    }

    static List<String> list(String... parts) {
        return new ArrayList<>(List.of(parts));
    }
}
