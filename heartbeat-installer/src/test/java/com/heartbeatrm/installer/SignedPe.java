package com.heartbeatrm.installer;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PE (src/test/resources/fixtures/hello.exe, built by mingw-w64: see BUILD.txt there), signed in the test
 * with osslsigncode by a throwaway code-signing CA that openssl makes in the test.
 *
 * @param signed the signed copy
 * @param ca the CA that signed it
 */
record SignedPe(Path signed, CodeSigningCa ca) {
    static SignedPe create(Path dir) throws Exception {
        CodeSigningCa ca = CodeSigningCa.create(dir);
        Path unsigned = dir.resolve("hello.exe");
        try (InputStream in = SignedPe.class.getResourceAsStream("/fixtures/hello.exe")) {
            Files.copy(in, unsigned);
        }
        ca.sign(unsigned, dir.resolve("signed.exe"), null);
        return new SignedPe(dir.resolve("signed.exe"), ca);
    }

    /** osslsigncode verify against the test CA. */
    Tools.Run verify(Path file) throws Exception {
        return ca.verify(file);
    }
}
