package com.heartbeatrm.core;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An organization's trust anchors for TPM 2.0-attested enrollment: the manufacturer CAs an endorsement key certificate
 * may chain to, and the endorsement keys trusted by themselves.
 *
 * @param organizationId  the organization
 * @param cas             the trusted CAs, oldest first
 * @param endorsementKeys the allow-listed endorsement keys, oldest first
 */
public record AttestationTrust(OrganizationId organizationId, List<TrustedCa> cas, List<AllowedEndorsementKey> endorsementKeys) {
    /** The most CAs one organization may trust. */
    public static final int MAX_CAS = 100;
    /** The most endorsement keys one organization may allow-list. */
    public static final int MAX_ENDORSEMENT_KEYS = 100_000;

    /**
     * Copies the lists.
     *
     * @param organizationId  the organization
     * @param cas             the trusted CAs, oldest first
     * @param endorsementKeys the allow-listed endorsement keys, oldest first
     */
    public AttestationTrust {
        Objects.requireNonNull(organizationId, "organizationId");
        cas = List.copyOf(cas);
        endorsementKeys = List.copyOf(endorsementKeys);
    }

    /**
     * An organization that trusts no TPM.
     *
     * @param organizationId the organization
     * @return empty trust
     */
    public static AttestationTrust none(OrganizationId organizationId) {
        return new AttestationTrust(organizationId, List.of(), List.of());
    }

    /**
     * The trusted CA with this fingerprint.
     *
     * @param fingerprint SHA-256 of its DER, lower-case hex
     * @return the CA, or empty when the organization does not trust it
     */
    public Optional<TrustedCa> ca(String fingerprint) {
        return cas.stream().filter(c -> c.fingerprint().equals(fingerprint)).findFirst();
    }

    /**
     * The allow-listed endorsement key with this hash.
     *
     * @param sha256 SHA-256 of its SubjectPublicKeyInfo DER, lower-case hex
     * @return the entry, or empty when it is not allow-listed
     */
    public Optional<AllowedEndorsementKey> endorsementKey(String sha256) {
        return endorsementKeys.stream().filter(k -> k.sha256().equals(sha256)).findFirst();
    }

    /**
     * Whether the organization trusts no TPM at all.
     *
     * @return true when there are neither CAs nor allow-listed keys
     */
    public boolean isEmpty() {
        return cas.isEmpty() && endorsementKeys.isEmpty();
    }
}
