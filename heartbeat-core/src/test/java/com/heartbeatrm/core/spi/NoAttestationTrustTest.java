package com.heartbeatrm.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.core.Subject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NoAttestationTrustTest {
    private static final OrganizationId ORG = OrganizationId.random();
    private static final String SHA256 = "ab".repeat(32);

    @Test
    @DisplayName("the store of no trust anchors trusts nothing and refuses every change, not retryable")
    void trustsNothingRefusesChanges() {
        AttestationTrustStore none = AttestationTrustStore.none();
        assertThat(none.cas(ORG)).isEmpty();
        assertThat(none.findEndorsementKey(ORG, SHA256)).isEmpty();
        assertThat(none.trust(ORG).cas()).isEmpty();
        AuditEvent audit = AuditEvent.of(Instant.EPOCH, ORG, Actor.of("alice"), AuditAction.ATTESTATION_CA_REMOVED, Subject.of(ORG),
                Map.of(), Map.of());
        assertThatThrownBy(() -> none.removeCa(ORG, SHA256, audit)).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.isTransient()).isFalse();
            assertThat(e.getMessage()).isEqualTo("this store keeps no attestation trust anchors");
            assertThat(e.getCause()).isInstanceOf(UnsupportedOperationException.class);
        });
        assertThatThrownBy(() -> none.removeEndorsementKey(ORG, SHA256, audit)).isInstanceOf(StoreException.class);
    }
}
