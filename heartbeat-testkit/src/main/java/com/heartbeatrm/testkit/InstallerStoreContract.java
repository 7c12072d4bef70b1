package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.ArtifactDigest;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Revocation;
import com.heartbeatrm.core.StaleVersionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Installer records: round trips, lists, revocations, isolation. */
@DisplayName("installer records")
public interface InstallerStoreContract extends StoreContract {
    /** Contract: records round-trip, list per key and per organization, and take revocations and digests. */
    @Test
    @DisplayName("records round-trip, list per key and per organization, and take revocations and digests")
    default void lifecycle() {
        NewOrganization org = newOrg();
        AccessKey other = admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("other", org.rootGroup().id()).build());
        List<InstallerId> forDefault = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clock().advance(Duration.ofMillis(1));
            InstallerRecord r = newInstaller(org.defaultKey());
            store().installers().insert(r, installerAudit(r, AuditAction.INSTALLER_ISSUED));
            assertThat(store().installers().find(org.id(), r.id())).contains(r);
            forDefault.add(r.id());
        }
        clock().advance(Duration.ofMillis(1));
        InstallerRecord o = newInstaller(other);
        store().installers().insert(o, installerAudit(o, AuditAction.INSTALLER_ISSUED));

        assertThat(store().installers().listByKey(org.id(), org.defaultKey().id(), PageRequest.first(2)).items())
                .extracting(InstallerRecord::id).containsExactlyElementsOf(forDefault.subList(0, 2));
        Page<InstallerRecord> first = store().installers().list(org.id(), PageRequest.first(3));
        Page<InstallerRecord> second = store().installers().list(org.id(), PageRequest.first(3).next(first));
        assertThat(second.items()).extracting(InstallerRecord::id).containsExactly(o.id());

        InstallerRecord r = store().installers().find(org.id(), forDefault.get(0)).orElseThrow();
        Revocation rev = new Revocation(clock().instant(), ALICE, "sent to the wrong customer");
        InstallerRecord revoked = store().installers().update(r.withRevoked(rev), 0, installerAudit(r, AuditAction.INSTALLER_REVOKED));
        assertThat(revoked.revoked()).contains(rev);
        assertThat(revoked.version()).isEqualTo(1);
        assertThatThrownBy(() -> store().installers().update(r, 0, installerAudit(r, AuditAction.INSTALLER_REVOKED)))
                .isInstanceOf(StaleVersionException.class);
        // A packed installer's record arrives with its digests, and keeps them through a revocation.
        ArtifactDigest base = new ArtifactDigest("a".repeat(64), 1000);
        ArtifactDigest out = new ArtifactDigest("b".repeat(64), 1100);
        InstallerRecord packed = new InstallerRecord(InstallerId.random(), org.id(), org.defaultKey().id(), r.signingKeyId(),
                clock().instant(), ALICE, Optional.empty(), Optional.empty(), "msi", Optional.of(base), Optional.of(out), Optional.empty(),
                OptionalLong.empty(), 0, 0);
        store().installers().insert(packed, installerAudit(packed, AuditAction.INSTALLER_ISSUED));
        assertThat(store().installers().find(org.id(), packed.id())).contains(packed);
        InstallerRecord packedRevoked = store().installers().update(packed.withRevoked(rev), 0, installerAudit(packed,
                AuditAction.INSTALLER_REVOKED));
        assertThat(packedRevoked.base()).contains(base);
        assertThat(packedRevoked.output()).contains(out);
        assertThat(store().installers().find(org.id(), packed.id())).contains(packedRevoked);
    }

    /** Contract: records are isolated per organization and need an existing key. */
    @Test
    @DisplayName("records are isolated per organization and need an existing key")
    default void isolation() {
        NewOrganization a = newOrg();
        NewOrganization b = newOrg();
        InstallerRecord r = newInstaller(a.defaultKey());
        store().installers().insert(r, installerAudit(r, AuditAction.INSTALLER_ISSUED));
        assertThat(store().installers().find(b.id(), r.id())).isEmpty();
        assertThat(store().installers().list(b.id(), PageRequest.first(10)).items()).isEmpty();
        InstallerRecord cross = new InstallerRecord(InstallerId.random(), b.id(), a.defaultKey().id(), r.signingKeyId(),
                r.issuedAt(), ALICE, r.expiresAt(), r.platform(), "token", Optional.empty(), Optional.empty(), Optional.empty(), OptionalLong.empty(), 0, 0);
        assertThatThrownBy(() -> store().installers().insert(cross, installerAudit(cross, AuditAction.INSTALLER_ISSUED)))
                .isInstanceOf(NotFoundException.class);
        assertThat(store().installers().list(b.id(), PageRequest.first(10)).items()).isEmpty();
    }
}
