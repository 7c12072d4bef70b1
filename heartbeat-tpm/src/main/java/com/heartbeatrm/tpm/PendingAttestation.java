package com.heartbeatrm.tpm;

import com.heartbeatrm.tpm.internal.PublicArea;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The server's side of one issued challenge: what it sent, the credential it expects back, when it was issued, and
 * which EK and attestation key it was made for. It can be answered once: {@link AttestationVerifier#verify} consumes
 * it, and a second answer is refused as replayed. Holds a secret (the expected credential): never logged, never
 * shown by {@link #toString()}. The protocol will keep it server-side (or sealed) between the two round trips.
 */
public final class PendingAttestation {
    private final CredentialChallenge challenge;
    private final byte[] expectedCredential;
    private final Instant issuedAt;
    private final PublicArea attestationKey;
    private final String endorsementKeySha256;
    private final String trustedBy;
    private final AtomicBoolean answered = new AtomicBoolean();

    PendingAttestation(CredentialChallenge challenge, byte[] expectedCredential, Instant issuedAt, PublicArea attestationKey,
            String endorsementKeySha256, String trustedBy) {
        this.challenge = challenge;
        this.expectedCredential = expectedCredential.clone();
        this.issuedAt = issuedAt;
        this.attestationKey = attestationKey;
        this.endorsementKeySha256 = endorsementKeySha256;
        this.trustedBy = trustedBy;
    }

    /** {@return what to send to the agent} */
    public CredentialChallenge challenge() {
        return challenge;
    }

    /** {@return when the challenge was issued, by the verifier's clock; its age is judged from here} */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** {@return the lowercase hex SHA-256 of the EK's SubjectPublicKeyInfo} */
    public String endorsementKeySha256() {
        return endorsementKeySha256;
    }

    /** {@return the manufacturer CA's subject that vouched for the EK, or "allow-list"} */
    public String trustedBy() {
        return trustedBy;
    }

    boolean markAnswered() {
        return answered.compareAndSet(false, true);
    }

    byte[] expectedCredential() {
        return expectedCredential;
    }

    PublicArea attestationKey() {
        return attestationKey;
    }

    @Override
    public String toString() {
        return "PendingAttestation[issuedAt=" + issuedAt + ", ek=" + endorsementKeySha256 + "]";
    }
}
