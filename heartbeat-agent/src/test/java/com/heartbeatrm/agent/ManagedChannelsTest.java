package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.EnrollmentToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.agent.TokenDeliveryException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The managed channels, tested on Linux: macOS managed preferences as Python's plistlib writes them (XML and binary,
 * an independent writer), and the Windows policy key as {@code reg query} prints it.
 */
@DisplayName("a token from MDM managed preferences or the Windows policy key")
class ManagedChannelsTest {
    private static final TestKeys ISSUER = TestKeys.generate();
    @TempDir
    Path dir;

    /** Writes {@code settings} (a Python dict literal) with plistlib in {@code format} (FMT_XML or FMT_BINARY). */
    private Path plist(String name, String format, String settings) throws Exception {
        Path out = dir.resolve(name);
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import plistlib, sys\n"
                + "open(sys.argv[1], 'wb').write(plistlib.dumps(" + settings + ", fmt=plistlib." + format + "))", out.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r--r--"));
        return out;
    }

    @Test
    @DisplayName("plistlib's XML and binary plists: the EnrollmentToken string, world-readable as macOS writes it; absent is empty")
    void managedPreferences() throws Exception {
        String t = ISSUER.token(TestKeys.claims(Instant.now()));
        String settings = "{'EnrollmentToken': '" + t + "', 'ServerURL': 'https://rmm.example/', 'Nested': {'a': [1, True, 2.5, b'x']}}";
        for (String format : List.of("FMT_XML", "FMT_BINARY")) {
            Path f = plist(format + ".plist", format, settings);
            assertThat(TokenDelivery.fromManagedPreferences(f).orElseThrow().reveal()).as(format).isEqualTo(t);
        }
        assertThat(TokenDelivery.fromManagedPreferences(plist("none.plist", "FMT_BINARY", "{'ServerURL': 'x'}"))).isEmpty();
        assertThat(TokenDelivery.fromManagedPreferences(dir.resolve("absent.plist"))).isEmpty();
    }

    @Test
    @DisplayName("a writable-by-others, linked, malformed, hostile or wrongly typed plist is refused without echoing the token")
    void managedPreferencesRefusals() throws Exception {
        String t = ISSUER.token(TestKeys.claims(Instant.now()));
        Path writable = plist("w.plist", "FMT_XML", "{'EnrollmentToken': '" + t + "'}");
        Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rw-rw-rw-"));
        refused(Reason.UNSAFE_FILE, writable, t);
        Path link = Files.createSymbolicLink(dir.resolve("link.plist"), plist("real.plist", "FMT_XML", "{'EnrollmentToken': '" + t + "'}"));
        refused(Reason.UNSAFE_FILE, link, t);
        refused(Reason.MALFORMED_SETTINGS, plist("int.plist", "FMT_BINARY", "{'EnrollmentToken': 7}"), t);
        refused(Reason.MALFORMED_SETTINGS, plist("list.plist", "FMT_XML", "['" + t + "']"), t);

        Path xxe = dir.resolve("xxe.plist");
        Files.writeString(xxe, "<?xml version=\"1.0\"?><!DOCTYPE plist [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<plist version=\"1.0\"><dict><key>EnrollmentToken</key><string>&x;</string></dict></plist>");
        assertThatThrownBy(() -> TokenDelivery.fromManagedPreferences(xxe)).isInstanceOfSatisfying(TokenDeliveryException.class,
                e -> assertThat(e.getMessage()).doesNotContain("root:"));
        Path twice = dir.resolve("twice.plist");
        Files.writeString(twice, "<plist version=\"1.0\"><dict><key>EnrollmentToken</key><string>a</string>"
                + "<key>EnrollmentToken</key><string>" + t + "</string></dict></plist>");
        refused(Reason.MALFORMED_SETTINGS, twice, t);
        // The same key twice where the first value is one this reader skips (data): still a repeat.
        Path hidden = dir.resolve("hidden-twice.plist");
        Files.writeString(hidden, "<plist version=\"1.0\"><dict><key>EnrollmentToken</key><data>AA==</data>"
                + "<key>EnrollmentToken</key><string>" + t + "</string></dict></plist>");
        refused(Reason.MALFORMED_SETTINGS, hidden, t);

        // A binary plist whose only dict holds itself: a cycle, refused rather than followed.
        byte[] cyclic = binaryPlist(new byte[] {(byte) 0xD1, 1, 0, 0x5F, 0x10, 1, 'k'});
        Path cycle = dir.resolve("cycle.plist");
        Files.write(cycle, cyclic);
        refused(Reason.MALFORMED_SETTINGS, cycle, t);
        Path truncated = dir.resolve("truncated.plist");
        Files.write(truncated, java.util.Arrays.copyOf(Files.readAllBytes(plist("ok.plist", "FMT_BINARY", "{'EnrollmentToken': '" + t + "'}")), 60));
        refused(Reason.MALFORMED_SETTINGS, truncated, t);
    }

    /** {@code bplist00}, then {@code objects} (object 0 at offset 8, object 1 three bytes on), an offset table and the trailer. */
    private static byte[] binaryPlist(byte[] objects) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes("bplist00".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(objects);
        int table = 8 + objects.length;
        out.write(8);
        out.write(11);
        byte[] trailer = new byte[32];
        trailer[6] = 1;
        trailer[7] = 1;
        trailer[15] = 2;
        trailer[23] = 0;
        trailer[31] = (byte) table;
        out.writeBytes(trailer);
        return out.toByteArray();
    }

    private static void refused(Reason reason, Path plist, String token) {
        assertThatThrownBy(() -> TokenDelivery.fromManagedPreferences(plist)).isInstanceOfSatisfying(TokenDeliveryException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).doesNotContain(token);
        });
    }

    @Test
    @DisplayName("reg query output: the REG_SZ EnrollmentToken of the policy key; none listed is empty; another type is refused")
    void policyRegistry() throws Exception {
        String t = ISSUER.token(TestKeys.claims(Instant.now()));
        String listing = "\r\nHKEY_LOCAL_MACHINE\\Software\\Policies\\HeartbeatRM\\Agent\r\n    EnrollmentToken    REG_SZ    " + t + "\r\n\r\n";
        assertThat(TokenDelivery.fromPolicyRegistry(listing).orElseThrow().reveal()).isEqualTo(t);
        assertThat(TokenDelivery.fromPolicyRegistry("")).isEmpty();
        assertThat(TokenDelivery.fromPolicyRegistry("\r\nHKEY_LOCAL_MACHINE\\Software\\Policies\\HeartbeatRM\\Agent\r\n"
                + "    ServerURL    REG_SZ    https://rmm.example/\r\n")).isEmpty();
        assertThatThrownBy(() -> TokenDelivery.fromPolicyRegistry("    EnrollmentToken    REG_DWORD    0x1\r\n"))
                .isInstanceOfSatisfying(TokenDeliveryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED_SETTINGS));
        assertThatThrownBy(() -> TokenDelivery.fromPolicyRegistry(listing + listing))
                .isInstanceOfSatisfying(TokenDeliveryException.class, e -> assertThat(e.getMessage()).doesNotContain(t));
    }
}
