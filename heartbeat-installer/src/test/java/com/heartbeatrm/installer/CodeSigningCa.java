package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** A throwaway code-signing CA and signer that openssl makes in a test's directory; signs with osslsigncode. */
final class CodeSigningCa {
    final Path dir;

    private CodeSigningCa(Path dir) {
        this.dir = dir;
    }

    static CodeSigningCa create(Path dir) throws Exception {
        Tools.require("openssl", "openssl");
        Tools.require("osslsigncode", "osslsigncode");
        Files.writeString(dir.resolve("leaf.ext"), "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=codeSigning\n");
        ok(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
                "-subj", "/CN=HeartbeatRM Test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        ok(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=HeartbeatRM Test Signer");
        ok(dir, "openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "leaf.pem",
                "-days", "30", "-extfile", "leaf.ext");
        return new CodeSigningCa(dir);
    }

    /** Signs {@code in} into {@code out}; {@code extraCerts} (PEM, may be null) adds certificates to the signature. */
    void sign(Path in, Path out, Path extraCerts) throws Exception {
        var cmd = Tools.list("osslsigncode", "sign", "-certs", dir.resolve("leaf.pem").toString(), "-key", dir.resolve("leaf.key").toString(),
                "-n", "HeartbeatRM test agent", "-h", "sha256");
        if (extraCerts != null) {
            cmd.addAll(java.util.List.of("-ac", extraCerts.toString()));
        }
        cmd.addAll(java.util.List.of("-in", in.toString(), "-out", out.toString()));
        ok(dir, cmd.toArray(String[]::new));
    }

    /** osslsigncode verify against the test CA. */
    Tools.Run verify(Path file) throws Exception {
        return Tools.run(dir, "osslsigncode", "verify", "-CAfile", dir.resolve("ca.pem").toString(), "-in", file.toString());
    }

    static void ok(Path dir, String... command) throws Exception {
        Tools.Run r = Tools.run(dir, command);
        assertThat(r.exit()).as(String.join(" ", command) + ": " + r.output()).isZero();
    }
}
