package com.heartbeatrm.tpm;

import com.heartbeatrm.protocol.AttestationChallenge;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The TPMs of an attestation test: a trusted and an unknown manufacturer CA made with openssl, a swtpm whose EK
 * certificates the trusted CA issued, and any further swtpm manufactured here; {@link #close()} stops them all.
 */
public final class TpmLab implements AutoCloseable {
    /**
     * What a server sends for {@code pending}, under a fixed test id with an expiry far ahead (the verifier judges
     * freshness by its own clock, not by this).
     *
     * @param pending a challenge the verifier issued
     * @return the protocol's challenge
     */
    public static AttestationChallenge sent(PendingAttestation pending) {
        return pending.challenge(new byte[] {1}, Instant.parse("2100-01-01T00:00:00Z"));
    }

    private final Path dir;
    private final TestCa trustedCa;
    private final TestCa otherCa;
    private final List<Swtpm> started = new ArrayList<>();
    private final Swtpm trustedTpm;

    private TpmLab(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        this.trustedCa = TestCa.create(dir.resolve("ca-trusted"), "Trusted TPM Manufacturer CA");
        this.otherCa = TestCa.create(dir.resolve("ca-other"), "Unknown TPM Manufacturer CA");
        this.trustedTpm = manufacture("tpm-trusted", trustedCa);
    }

    /**
     * Makes both CAs and the trusted TPM under {@code dir}; the EK certificates are valid from the second they were issued.
     *
     * @param dir an empty directory for the CAs and the TPM states
     * @return the lab, to close after the tests
     * @throws IOException if a tool cannot be run or its files written
     * @throws InterruptedException if interrupted while a tool runs
     */
    public static TpmLab create(Path dir) throws IOException, InterruptedException {
        return new TpmLab(dir);
    }

    /** {@return the CA an organization trusts in these tests} */
    public TestCa trustedCa() {
        return trustedCa;
    }

    /** {@return a CA nobody trusts in these tests} */
    public TestCa otherCa() {
        return otherCa;
    }

    /** {@return the TPM whose EK certificates {@link #trustedCa()} issued} */
    public Swtpm trustedTpm() {
        return trustedTpm;
    }

    /**
     * Manufactures and starts one more TPM, stopped by {@link #close()}.
     *
     * @param name its directory under the lab's, unique within the lab
     * @param ca the CA that issues its EK certificates, or {@code null} for none
     * @return the running TPM
     * @throws IOException if swtpm cannot be run or its files written
     * @throws InterruptedException if interrupted while swtpm_setup runs
     */
    public Swtpm manufacture(String name, TestCa ca) throws IOException, InterruptedException {
        Swtpm tpm = Swtpm.manufactured(dir.resolve(name), ca);
        started.add(tpm);
        return tpm;
    }

    /** Stops every TPM of the lab. */
    @Override
    public void close() {
        started.forEach(Swtpm::close);
    }
}
