package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.agent.TokenDeliveryException.Reason;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("a token delivered beside a generic installer")
class TokenDeliveryTest {
    private static final TestKeys ISSUER = TestKeys.generate();
    @TempDir
    Path dir;

    private static String token() {
        return ISSUER.token(TestKeys.claims(Instant.now()));
    }

    private Path ownerOnly(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private static void refused(Reason reason, org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String secret) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenDeliveryException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).doesNotContain(secret);
        });
    }

    @Test
    @DisplayName("an owner-only file: its one token (a final newline ignored) verifies as an embedded one; a missing file is no token")
    void file() throws Exception {
        String t = token();
        Path f = ownerOnly("token", t + "\n");
        EnrollmentToken read = TokenDelivery.readFile(f).orElseThrow();
        assertThat(read.reveal()).isEqualTo(t);
        VerifiedEnrollmentToken v = EnrollmentTokenVerifier.builder(PinnedKeySet.of(ISSUER.publicKey)).build().verify(read);
        assertThat(v.claims().installerId()).isEqualTo(TestKeys.JTI);
        assertThat(TokenDelivery.readFile(dir.resolve("absent"))).isEmpty();
        TokenDelivery.deleteFile(f);
        assertThat(f).doesNotExist();
        TokenDelivery.deleteFile(f);
    }

    @Test
    @DisplayName("a token file others can read, a link, a directory, an oversized or a two-line file is refused without echoing it")
    void unsafeFiles() throws Exception {
        String t = token();
        Path open = ownerOnly("open", t);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        refused(Reason.UNSAFE_FILE, () -> TokenDelivery.readFile(open), t);
        Path link = Files.createSymbolicLink(dir.resolve("link"), ownerOnly("real", t));
        refused(Reason.UNSAFE_FILE, () -> TokenDelivery.readFile(link), t);
        Path sub = Files.createDirectory(dir.resolve("sub"));
        refused(Reason.UNSAFE_FILE, () -> TokenDelivery.readFile(sub), t);
        refused(Reason.TOO_LARGE, () -> TokenDelivery.readFile(ownerOnly("big", t + " ".repeat(TokenDelivery.MAX_BYTES))), t);
        refused(Reason.NOT_A_TOKEN, () -> TokenDelivery.readFile(ownerOnly("two", t + "\n" + t + "\n")), t);
        refused(Reason.NOT_A_TOKEN, () -> TokenDelivery.readFile(ownerOnly("empty", "\n")), t);
        assertThat(link).exists();
        assertThat(open).as("a refused file is not deleted either").exists();
        refused(Reason.UNSAFE_FILE, () -> TokenDelivery.deleteFile(open), t);
        assertThat(open).exists();
    }

    @Test
    @DisplayName("standard input and the environment variable; bounded; an unset or blank variable is no token")
    void streamAndEnvironment() throws Exception {
        String t = token();
        assertThat(TokenDelivery.readStream(new ByteArrayInputStream((t + "\r\n").getBytes(StandardCharsets.US_ASCII))).reveal()).isEqualTo(t);
        byte[] endless = new byte[TokenDelivery.MAX_BYTES * 4];
        java.util.Arrays.fill(endless, (byte) 'A');
        refused(Reason.TOO_LARGE, () -> TokenDelivery.readStream(new ByteArrayInputStream(endless)), "AAAA");
        assertThat(TokenDelivery.fromEnvironment(Map.of(TokenDelivery.ENVIRONMENT_VARIABLE, t)).orElseThrow().reveal()).isEqualTo(t);
        assertThat(TokenDelivery.fromEnvironment(Map.of(TokenDelivery.ENVIRONMENT_VARIABLE, "  "))).isEmpty();
        assertThat(TokenDelivery.fromEnvironment(Map.of())).isEmpty();
        refused(Reason.NOT_A_TOKEN, () -> TokenDelivery.fromEnvironment(Map.of(TokenDelivery.ENVIRONMENT_VARIABLE, t + " é")), t);
    }
}
