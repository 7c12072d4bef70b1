package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.AllowedEndorsementKey;
import com.heartbeatrm.core.AttestationTrust;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.TrustedCa;
import com.heartbeatrm.core.spi.AttestationTrustStore;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Each tenant's trust anchors for TPM attestation. */
final class InMemoryAttestationTrustStore implements AttestationTrustStore {
    private final TenantState state;

    InMemoryAttestationTrustStore(TenantState state) {
        this.state = state;
    }

    @Override
    public void addCa(OrganizationId org, TrustedCa ca, AuditEvent audit) {
        add(org, t -> t.trustedCas, ca.fingerprint(), ca, AttestationTrust.MAX_CAS, "trusted CA", audit);
    }

    @Override
    public void removeCa(OrganizationId org, String fingerprint, AuditEvent audit) {
        remove(org, t -> t.trustedCas, fingerprint, "trusted CA", audit);
    }

    @Override
    public void allowEndorsementKey(OrganizationId org, AllowedEndorsementKey key, AuditEvent audit) {
        add(org, t -> t.endorsementKeys, key.sha256(), key, AttestationTrust.MAX_ENDORSEMENT_KEYS, "allow-listed endorsement key", audit);
    }

    @Override
    public void removeEndorsementKey(OrganizationId org, String sha256, AuditEvent audit) {
        remove(org, t -> t.endorsementKeys, sha256, "allow-listed endorsement key", audit);
    }

    @Override
    public AttestationTrust trust(OrganizationId org) {
        return state.read(org, AttestationTrust.none(org), t -> new AttestationTrust(org, sortedCas(t),
                t.endorsementKeys.values().stream().sorted(Comparator.comparing(AllowedEndorsementKey::addedAt)
                        .thenComparing(AllowedEndorsementKey::sha256)).toList()));
    }

    @Override
    public List<TrustedCa> cas(OrganizationId org) {
        return state.read(org, List.of(), InMemoryAttestationTrustStore::sortedCas);
    }

    @Override
    public Optional<AllowedEndorsementKey> findEndorsementKey(OrganizationId org, String sha256) {
        return state.read(org, Optional.empty(), t -> Optional.ofNullable(t.endorsementKeys.get(sha256)));
    }

    private static List<TrustedCa> sortedCas(Tenant t) {
        return t.trustedCas.values().stream().sorted(Comparator.comparing(TrustedCa::addedAt).thenComparing(TrustedCa::fingerprint)).toList();
    }

    private <V> void add(OrganizationId org, Function<Tenant, Map<String, V>> table, String id, V value, int max, String what, AuditEvent audit) {
        state.write(org, t -> {
            Map<String, V> rows = table.apply(t);
            if (rows.containsKey(id)) {
                throw new ConflictException(what + " already exists: " + id);
            }
            if (rows.size() >= max) {
                throw new ConflictException("an organization may have at most " + max + " of: " + what);
            }
            rows.put(id, value);
            state.appendAudit(t, audit);
            return null;
        });
    }

    private void remove(OrganizationId org, Function<Tenant, Map<String, ?>> table, String id, String what,
            AuditEvent audit) {
        Tenant t = state.tenant(org).orElseThrow(() -> new NotFoundException(what, id));
        synchronized (t) {
            if (table.apply(t).remove(id) == null) {
                throw new NotFoundException(what, id);
            }
            state.appendAudit(t, audit);
        }
    }
}
