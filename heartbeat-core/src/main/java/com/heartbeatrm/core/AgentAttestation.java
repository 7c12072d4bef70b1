package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.Sha256Hex;
import java.time.Instant;
import java.util.Objects;

/**
 * What the server verified when an agent enrolled with TPM 2.0 attestation: which TPM (by its endorsement key) holds
 * the agent's key, and what made the organization trust that TPM.
 *
 * @param endorsementKeySha256 SHA-256 of the TPM's endorsement key (its SubjectPublicKeyInfo DER), lower-case hex
 * @param trustedBy            the SHA-256 fingerprint (lower-case hex) of the trusted manufacturer CA its endorsement
 *                             key certificate chains to, or {@link #ALLOW_LIST} when the endorsement key itself is
 *                             allow-listed
 * @param attestedAt           when the attestation was verified
 */
public record AgentAttestation(String endorsementKeySha256, String trustedBy, Instant attestedAt) {
    /** The {@link #trustedBy()} of an agent whose endorsement key is on the organization's allow-list. */
    public static final String ALLOW_LIST = "allow-list";

    /**
     * Validates the components.
     *
     * @param endorsementKeySha256 SHA-256 of the TPM's endorsement key, lower-case hex
     * @param trustedBy            a CA's SHA-256 fingerprint, lower-case hex, or {@link #ALLOW_LIST}
     * @param attestedAt           when the attestation was verified
     * @throws InvalidInputException when a hash is not 64 lower-case hex characters or the time is out of range
     */
    public AgentAttestation {
        Sha256Hex.check("endorsementKeySha256", endorsementKeySha256);
        Objects.requireNonNull(trustedBy, "trustedBy");
        if (!trustedBy.equals(ALLOW_LIST)) {
            Sha256Hex.check("trustedBy", trustedBy);
        }
        Timestamps.check("attestedAt", attestedAt);
    }

    /**
     * An attestation whose endorsement key certificate chains to a trusted CA.
     *
     * @param endorsementKeySha256 SHA-256 of the endorsement key, lower-case hex
     * @param ca                   the trusted CA it chains to
     * @param at                   when it was verified
     * @return the attestation
     */
    public static AgentAttestation byCa(String endorsementKeySha256, TrustedCa ca, Instant at) {
        return new AgentAttestation(endorsementKeySha256, ca.fingerprint(), at);
    }

    /**
     * An attestation whose endorsement key is on the organization's allow-list.
     *
     * @param endorsementKeySha256 SHA-256 of the endorsement key, lower-case hex
     * @param at                   when it was verified
     * @return the attestation
     */
    public static AgentAttestation allowListed(String endorsementKeySha256, Instant at) {
        return new AgentAttestation(endorsementKeySha256, ALLOW_LIST, at);
    }

    /**
     * Whether the endorsement key was trusted by the allow-list rather than by a CA.
     *
     * @return true when {@link #trustedBy()} is {@link #ALLOW_LIST}
     */
    public boolean isAllowListed() {
        return trustedBy.equals(ALLOW_LIST);
    }
}
