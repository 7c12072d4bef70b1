package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AllowedEndorsementKey;
import com.heartbeatrm.core.AttestationTrust;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.core.TrustedCa;
import java.util.List;
import java.util.Optional;

/**
 * Each organization's trust anchors for TPM 2.0-attested enrollment: trusted manufacturer CAs and allow-listed
 * endorsement keys. Every change is one atomic step with its audit event. Organizations are kept apart: an anchor of
 * another organization is treated exactly like a missing one.
 *
 * <p>The four changes refuse by default, with a {@link StoreException} (not retryable, caused by an
 * {@link UnsupportedOperationException}), as a store that keeps no trust anchors does ({@link #none()}); a store that
 * keeps them implements all four.
 */
public interface AttestationTrustStore {
    /**
     * Adds a trusted CA and its audit event in one atomic step.
     *
     * @param org   the organization
     * @param ca    the CA
     * @param audit its {@code ATTESTATION_CA_TRUSTED} event
     * @throws com.heartbeatrm.core.NotFoundException when the organization does not exist
     * @throws StoreException by default: this store keeps no trust anchors
     * @throws com.heartbeatrm.core.ConflictException when the organization trusts a CA with this fingerprint already, or
     *                                                  {@link AttestationTrust#MAX_CAS} CAs
     */
    default void addCa(OrganizationId org, TrustedCa ca, AuditEvent audit) {
        throw keepsNoTrustAnchors();
    }

    /**
     * Removes a trusted CA and appends its audit event in one atomic step.
     *
     * @param org         the organization
     * @param fingerprint the CA's SHA-256 fingerprint, lower-case hex
     * @param audit       its {@code ATTESTATION_CA_REMOVED} event
     * @throws com.heartbeatrm.core.NotFoundException when the organization does not trust such a CA
     * @throws StoreException by default: this store keeps no trust anchors
     */
    default void removeCa(OrganizationId org, String fingerprint, AuditEvent audit) {
        throw keepsNoTrustAnchors();
    }

    /**
     * Allow-lists an endorsement key and appends its audit event in one atomic step.
     *
     * @param org   the organization
     * @param key   the endorsement key's entry
     * @param audit its {@code ENDORSEMENT_KEY_ALLOWED} event
     * @throws com.heartbeatrm.core.NotFoundException when the organization does not exist
     * @throws StoreException by default: this store keeps no trust anchors
     * @throws com.heartbeatrm.core.ConflictException when the key is allow-listed already, or the organization has
     *                                                  {@link AttestationTrust#MAX_ENDORSEMENT_KEYS} of them
     */
    default void allowEndorsementKey(OrganizationId org, AllowedEndorsementKey key, AuditEvent audit) {
        throw keepsNoTrustAnchors();
    }

    /**
     * Removes an endorsement key from the allow-list and appends its audit event in one atomic step.
     *
     * @param org    the organization
     * @param sha256 the key's SHA-256, lower-case hex
     * @param audit  its {@code ENDORSEMENT_KEY_REMOVED} event
     * @throws com.heartbeatrm.core.NotFoundException when the key is not on the organization's allow-list
     * @throws StoreException by default: this store keeps no trust anchors
     */
    default void removeEndorsementKey(OrganizationId org, String sha256, AuditEvent audit) {
        throw keepsNoTrustAnchors();
    }

    /**
     * Every trust anchor of one organization.
     *
     * @param org the organization
     * @return its CAs and allow-listed keys, each oldest first (ties by fingerprint); empty for an unknown organization
     */
    AttestationTrust trust(OrganizationId org);

    /**
     * The CAs one organization trusts: what a server verifies an endorsement key certificate against.
     *
     * @param org the organization
     * @return its CAs, oldest first (ties by fingerprint); empty for an unknown organization
     */
    List<TrustedCa> cas(OrganizationId org);

    /**
     * Looks one allow-listed endorsement key up.
     *
     * @param org    the organization
     * @param sha256 the key's SHA-256, lower-case hex
     * @return the entry, or empty when the organization has not allow-listed it
     */
    Optional<AllowedEndorsementKey> findEndorsementKey(OrganizationId org, String sha256);

    /**
     * A store of no trust anchors, for a {@link HeartbeatStore} that keeps none: every organization trusts no TPM (so
     * attested enrollment is refused as untrusted), and every change fails with a
     * {@link com.heartbeatrm.core.StoreException}.
     *
     * @return the store
     */
    static AttestationTrustStore none() {
        return NoAttestationTrust.INSTANCE;
    }

    private static StoreException keepsNoTrustAnchors() {
        String message = "this store keeps no attestation trust anchors";
        return new StoreException(message, false, new UnsupportedOperationException(message));
    }
}
