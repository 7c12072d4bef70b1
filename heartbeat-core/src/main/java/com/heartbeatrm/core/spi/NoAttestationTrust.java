package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AllowedEndorsementKey;
import com.heartbeatrm.core.AttestationTrust;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.core.TrustedCa;
import java.util.List;
import java.util.Optional;

/** {@link AttestationTrustStore#none()}: trusts nothing, refuses every change. */
final class NoAttestationTrust implements AttestationTrustStore {
    static final NoAttestationTrust INSTANCE = new NoAttestationTrust();

    private NoAttestationTrust() {
    }

    private static StoreException unsupported() {
        String message = "this store keeps no attestation trust anchors";
        return new StoreException(message, false, new UnsupportedOperationException(message));
    }

    @Override
    public void addCa(OrganizationId org, TrustedCa ca, AuditEvent audit) {
        throw unsupported();
    }

    @Override
    public void removeCa(OrganizationId org, String fingerprint, AuditEvent audit) {
        throw unsupported();
    }

    @Override
    public void allowEndorsementKey(OrganizationId org, AllowedEndorsementKey key, AuditEvent audit) {
        throw unsupported();
    }

    @Override
    public void removeEndorsementKey(OrganizationId org, String sha256, AuditEvent audit) {
        throw unsupported();
    }

    @Override
    public AttestationTrust trust(OrganizationId org) {
        return AttestationTrust.none(org);
    }

    @Override
    public List<TrustedCa> cas(OrganizationId org) {
        return List.of();
    }

    @Override
    public Optional<AllowedEndorsementKey> findEndorsementKey(OrganizationId org, String sha256) {
        return Optional.empty();
    }
}
