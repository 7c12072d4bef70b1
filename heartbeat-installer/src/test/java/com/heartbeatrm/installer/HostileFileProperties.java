package com.heartbeatrm.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.EnrollmentToken;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random files and random mutations of tagged installers (JAR, signed PE, footer): reading and verifying gives a
 * typed refusal (of the file or of the token) or the very token that was packed, so a mutation can never make an
 * agent trust something else.
 */
class HostileFileProperties {
    private static Path dir;
    private static List<byte[]> tagged;
    private static List<EnrollmentToken> tokens;

    @BeforeContainer
    static void files() throws Exception {
        dir = Files.createTempDirectory("hostile");
        EnrollmentToken t1 = Tools.token();
        EnrollmentToken t2 = Tools.token();
        EnrollmentToken t3 = Tools.token();
        Path jar = dir.resolve("a.jar");
        InstallerPacker.pack(Tools.runnableJar(dir, "x"), t1, jar);
        Path sh = dir.resolve("a.sh");
        InstallerPacker.pack(Files.writeString(dir.resolve("base.sh"), "#!/bin/sh\nexit 0\n"), t2, sh);
        Path exe = dir.resolve("a.exe");
        InstallerPacker.pack(dir.resolve("base.sh"), t3, exe);
        try {
            SignedPe pe = SignedPe.create(Files.createDirectories(dir.resolve("pe")));
            InstallerPacker.pack(pe.signed(), t3, exe);
        } catch (org.opentest4j.TestAbortedException noTools) {
            // Without openssl/osslsigncode the PE case is a footer; the other formats still run.
        }
        tagged = List.of(Files.readAllBytes(jar), Files.readAllBytes(sh), Files.readAllBytes(exe));
        tokens = List.of(t1, t2, t3);
    }

    record Mutation(int file, int position, int kind, int value) {
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, 255)).as(Mutation::new).list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 400)
    void mutatedInstallersGiveTheirTokenOrATypedRefusal(@ForAll("mutations") List<Mutation> ms) throws Exception {
        int which = ms.get(0).file();
        byte[] b = tagged.get(which).clone();
        for (Mutation m : ms) {
            if (b.length == 0 && m.kind() != 2) {
                continue; // nothing left to change or truncate (an earlier truncation emptied the file)
            }
            int at = (int) ((m.position() & 0xffffffffL) % Math.max(1, b.length));
            b = switch (m.kind()) {
                case 0 -> { // change a byte, biased towards the tail where the structures are
                    int p = b.length - 1 - (at % Math.min(b.length, 4096));
                    b[p] = (byte) m.value();
                    yield b;
                }
                case 1 -> java.util.Arrays.copyOf(b, Math.max(0, b.length - 1 - at % 600)); // truncate
                case 2 -> HostileFilesTest.concat(b, new byte[1 + m.value() % 64]); // append
                default -> { // change a byte anywhere
                    b[at] ^= (byte) (1 + m.value() % 255);
                    yield b;
                }
            };
        }
        Path f = Files.write(dir.resolve("m" + Thread.currentThread().getId()), b);
        try {
            // Structure alone does not protect the token's bytes in ZIP and PE; its signature does.
            com.heartbeatrm.protocol.VerifiedEnrollmentToken v = InstallerReader.readAndVerify(f, Tools.verifier());
            assertThat(v.token()).as("a mutated file verifies only as the token that was packed").isEqualTo(tokens.get(which));
        } catch (InstallerException e) {
            assertThat(e.reason()).isNotNull();
        } catch (com.heartbeatrm.protocol.TokenException e) {
            assertThat(e.reason()).isNotNull();
        }
    }

    @Property(tries = 300)
    void randomBytesAreRefusedWithATypedReason(@ForAll byte[] bytes) throws Exception {
        Path f = Files.write(dir.resolve("r" + Thread.currentThread().getId()), bytes);
        try {
            InstallerReader.read(f);
        } catch (InstallerException e) {
            assertThat(e.reason()).isNotNull();
        }
    }
}
