package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PE (src/test/resources/fixtures/hello.exe, built by mingw-w64: see BUILD.txt there), signed in the test
 * with osslsigncode by a throwaway code-signing CA that openssl makes in the test.
 */
final class SignedPe {
    final Path dir;
    final Path signed;

    private SignedPe(Path dir, Path signed) {
        this.dir = dir;
        this.signed = signed;
    }

    static SignedPe create(Path dir) throws Exception {
        Tools.require("openssl", "openssl");
        Tools.require("osslsigncode", "osslsigncode");
        Path unsigned = dir.resolve("hello.exe");
        try (InputStream in = SignedPe.class.getResourceAsStream("/fixtures/hello.exe")) {
            Files.copy(in, unsigned);
        }
        Files.writeString(dir.resolve("leaf.ext"), "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=codeSigning\n");
        ok(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
                "-subj", "/CN=HeartbeatRM Test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        ok(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=HeartbeatRM Test Signer");
        ok(dir, "openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.pem",
                "-days", "30", "-extfile", "leaf.ext");
        ok(dir, "osslsigncode", "sign", "-certs", "leaf.pem", "-key", "leaf.key", "-n", "HeartbeatRM test agent", "-h", "sha256",
                "-in", "hello.exe", "-out", "signed.exe");
        return new SignedPe(dir, dir.resolve("signed.exe"));
    }

    private static void ok(Path dir, String... command) throws Exception {
        Tools.Run r = Tools.run(dir, command);
        assertThat(r.exit()).as(String.join(" ", command) + ": " + r.output()).isZero();
    }

    /** osslsigncode verify against the test CA. */
    Tools.Run verify(Path file) throws Exception {
        return Tools.run(dir, "osslsigncode", "verify", "-CAfile", dir.resolve("ca.pem").toString(), "-in", file.toString());
    }
}
