package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AllowedEndorsementKey;
import com.heartbeatrm.core.AttestationTrust;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.TrustedCa;
import java.util.List;
import java.util.Optional;

/** {@link AttestationTrustStore#none()}: trusts nothing, refuses every change (the interface's defaults). */
final class NoAttestationTrust implements AttestationTrustStore {
    static final NoAttestationTrust INSTANCE = new NoAttestationTrust();

    private NoAttestationTrust() {
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
