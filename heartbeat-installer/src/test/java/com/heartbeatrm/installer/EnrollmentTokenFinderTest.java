package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.agent.TokenDelivery;
import com.heartbeatrm.agent.TokenDeliveryException;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.installer.EnrollmentTokenFinder.Found;
import com.heartbeatrm.installer.EnrollmentTokenFinder.Source;
import java.io.ByteArrayInputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("find my enrollment token")
class EnrollmentTokenFinderTest {
    @TempDir
    Path dir;

    private Path tokenFile(EnrollmentToken t) throws Exception {
        Path f = dir.resolve("enrollment-token");
        Files.writeString(f, t.reveal() + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private EnrollmentTokenFinder.Builder finder() {
        return EnrollmentTokenFinder.builder(Tools.verifier());
    }

    @Test
    @DisplayName("the installer's own token comes first; an untagged one falls through to the file, standard input, the environment")
    void order() throws Exception {
        Path untagged = Tools.runnableJar(dir, "generic agent");
        Path tagged = dir.resolve("tagged.jar");
        EnrollmentToken embedded = Tools.token();
        InstallerPacker.pack(untagged, embedded, tagged);
        EnrollmentToken delivered = Tools.token();
        EnrollmentToken inEnv = Tools.token();
        Map<String, String> env = Map.of(TokenDelivery.ENVIRONMENT_VARIABLE, inEnv.reveal());
        Path file = tokenFile(delivered);

        Found own = finder().installer(tagged).tokenFile(file).environment(env).build().find().orElseThrow();
        assertThat(own.source()).isEqualTo(Source.INSTALLER);
        assertThat(own.token().token()).isEqualTo(embedded);
        own.consume();
        assertThat(file).as("an installer's token consumes no delivered file").exists();

        Found fromFile = finder().installer(untagged).tokenFile(file).environment(env).build().find().orElseThrow();
        assertThat(fromFile.source()).isEqualTo(Source.TOKEN_FILE);
        assertThat(fromFile.token().token()).isEqualTo(delivered);
        assertThat(fromFile.file()).contains(file);
        assertThat(fromFile.toString()).doesNotContain(delivered.reveal());

        Found fromStdin = finder().installer(untagged).standardInput(new ByteArrayInputStream(delivered.reveal().getBytes(StandardCharsets.US_ASCII)))
                .environment(env).build().find().orElseThrow();
        assertThat(fromStdin.source()).isEqualTo(Source.STANDARD_INPUT);
        assertThat(fromStdin.token().token()).isEqualTo(delivered);

        fromFile.consume();
        assertThat(file).as("deleted after a successful enrollment").doesNotExist();
        Found fromEnv = finder().installer(untagged).tokenFile(file).environment(env).build().find().orElseThrow();
        assertThat(fromEnv.source()).isEqualTo(Source.ENVIRONMENT);
        assertThat(fromEnv.token().token()).isEqualTo(inEnv);

        EnrollmentToken byPolicy = Tools.token();
        String listing = "\r\nHKEY_LOCAL_MACHINE\\Software\\Policies\\HeartbeatRM\\Agent\r\n    EnrollmentToken    REG_SZ    "
                + byPolicy.reveal() + "\r\n";
        assertThat(finder().installer(untagged).environment(env).policyRegistry(() -> listing).build().find().orElseThrow().source())
                .as("the environment before the policy").isEqualTo(Source.ENVIRONMENT);
        Found fromPolicy = finder().installer(untagged).tokenFile(file).policyRegistry(() -> listing).build().find().orElseThrow();
        assertThat(fromPolicy.source()).isEqualTo(Source.POLICY_REGISTRY);
        assertThat(fromPolicy.token().token()).isEqualTo(byPolicy);
        assertThat(finder().installer(untagged).managedPreferences(dir.resolve("absent.plist")).policyRegistry(() -> "").build().find())
                .isEmpty();
        assertThat(finder().installer(untagged).tokenFile(file).build().find()).as("nothing anywhere: an enrolled agent renews").isEmpty();
        assertThat(finder().installer(dir).environment(env).build().find().orElseThrow().source())
                .as("a class directory is no installer").isEqualTo(Source.ENVIRONMENT);
    }

    @Test
    @DisplayName("a damaged installer tag is refused, never skipped; a delivered token is verified like an embedded one")
    void refusals() throws Exception {
        Path untagged = Tools.runnableJar(dir, "generic agent");
        Path tagged = dir.resolve("tagged.jar");
        InstallerPacker.pack(untagged, Tools.token(), tagged);
        try (RandomAccessFile f = new RandomAccessFile(tagged.toFile(), "rw")) {
            f.seek(f.length() - 20);
            f.write('!');
        }
        Map<String, String> env = Map.of(TokenDelivery.ENVIRONMENT_VARIABLE, Tools.token().reveal());
        assertThatThrownBy(() -> finder().installer(tagged).environment(env).build().find())
                .as("the changed installer is refused, not passed over for the environment's token")
                .isInstanceOfAny(InstallerException.class, TokenException.class);

        String good = Tools.token().reveal();
        String forged = good.substring(0, good.length() - 2) + (good.endsWith("A") ? "B" : "A") + good.charAt(good.length() - 1);
        Path file = tokenFile(EnrollmentToken.of(forged));
        assertThatThrownBy(() -> finder().installer(untagged).tokenFile(file).build().find()).isInstanceOfSatisfying(TokenException.class,
                e -> assertThat(e.getMessage()).doesNotContain(forged));
        assertThat(file).as("a refused token file stays for the operator to look at").exists();

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        assertThatThrownBy(() -> finder().installer(untagged).tokenFile(file).environment(env).build().find())
                .as("an unsafe token file is refused, not skipped for the environment").isInstanceOfSatisfying(TokenDeliveryException.class,
                        e -> assertThat(e.reason()).isEqualTo(TokenDeliveryException.Reason.UNSAFE_FILE));
    }
}
