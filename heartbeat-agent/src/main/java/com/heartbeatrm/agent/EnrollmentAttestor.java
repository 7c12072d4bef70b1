package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AttestationChallenge;
import com.heartbeatrm.protocol.AttestationEvidence;
import com.heartbeatrm.protocol.EnrollmentAttestation;

/**
 * Proves to the server that the agent's key lives in a TPM (TPM 2.0-attested enrollment, {@code docs/protocol.md}
 * section 6.1). {@link EnrollmentClient} calls {@link #begin()}, posts the evidence with the installer's token to the
 * server's challenge endpoint, then calls {@link #answer} with the server's challenge and the agent key, and enrolls
 * with the answer. The TPM implementation is {@code com.heartbeatrm.tpm.TpmEnrollmentAttestor} in
 * {@code heartbeat-tpm}.
 *
 * <h2>Contract for implementations</h2>
 * <ul>
 * <li>{@link #begin()} returns the TPM's endorsement key (certificate when provisioned, and public area) and a fresh
 * attestation key's public area; {@link #answer} answers with that attestation key, so one {@code begin} precedes
 * each {@code answer}. Calls come from one thread at a time per enrollment; implementations must be thread-safe.</li>
 * <li>{@link #answer} certifies exactly the given key, which must be one its TPM holds (a custody key of the same
 * TPM); it never signs anything else with the attestation key.</li>
 * <li>Failures are {@link KeyCustodyException}s ({@code UNAVAILABLE}: the TPM cannot be used; {@code NOT_FOUND}: the
 * key is not in this TPM; {@code UNSUPPORTED}: the key is not a TPM key), whose messages name no secret.</li>
 * </ul>
 */
public interface EnrollmentAttestor {
    /**
     * The TPM's evidence for a new challenge; creates a new attestation key.
     *
     * @return what the challenge request carries
     * @throws KeyCustodyException the TPM cannot be used
     */
    AttestationEvidence begin() throws KeyCustodyException;

    /**
     * Answers {@code challenge}: activates its credential with the endorsement key and has the attestation key of the
     * last {@link #begin()} certify {@code key} over the challenge's nonce.
     *
     * @param challenge what the server answered to the evidence
     * @param key       the agent key to certify, held by this TPM
     * @return the {@code attestation} member of the enrollment request
     * @throws KeyCustodyException the TPM refused or failed, or {@code key} is not one of its keys
     * @throws IllegalStateException {@link #begin()} was not called first
     */
    EnrollmentAttestation answer(AttestationChallenge challenge, CustodyKey key) throws KeyCustodyException;
}
