package com.heartbeatrm.tpm;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared fixture of the attestation tests (here, in heartbeat-enrollment and in the examples): one {@link TpmLab}
 * per test class in a temporary directory, made before the class's own {@code @BeforeAll} methods and closed after
 * its {@code @AfterAll} methods, so a subclass that starts a server on the lab's TPMs stops it first.
 */
// The test classpath is not a module: JUnit's types are visible to the subclasses in the other modules' tests.
@SuppressWarnings("exports")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TpmLabFixture {
    /** The class's temporary directory; the lab's CAs and TPM states are below it. */
    protected Path dir;
    /** The CAs and TPMs of the class; {@link TpmLab#manufacture} adds more, stopped with the rest. */
    protected TpmLab lab;

    /** For subclasses. */
    protected TpmLabFixture() {
    }

    /**
     * Makes the lab in a temporary directory.
     *
     * @param shared the class's temporary directory
     * @throws Exception if a tool cannot be run
     */
    @BeforeAll
    protected final void makeLab(@TempDir Path shared) throws Exception {
        dir = shared;
        lab = TpmLab.create(dir);
    }

    /** Stops every TPM of the lab. */
    @AfterAll
    protected final void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }
}
