package com.heartbeatrm.testkit;

import static com.heartbeatrm.testkit.AttestationCertificates.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentAttestation;
import com.heartbeatrm.core.AllowedEndorsementKey;
import com.heartbeatrm.core.AttestationTrust;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.TrustedCa;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.core.spi.RenewalCommit;
import com.heartbeatrm.core.spi.RenewalVerdict;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * TPM attestation: each organization's trust anchors (trusted CAs, allow-listed endorsement keys), changed through the
 * admin API with their audit events; and the attestation an agent enrolled with, kept through look-ups and renewals.
 */
@DisplayName("attestation trust")
public interface AttestationTrustContract extends StoreContract {
    /** Contract: a trusted CA is kept as given, named by the fingerprint openssl computes, audited, seen by its organization only. */
    @Test
    @DisplayName("a trusted CA is kept as given, named by the fingerprint openssl computes, audited, seen by its organization only")
    default void trustedCaKept() {
        NewOrganization org = newOrg();
        NewOrganization other = newOrg();
        TrustedCa ca = admin().attestation().trustCa(org.id(), ALICE, bytes(AttestationCertificates.TRUSTED_CA_PEM));
        assertThat(ca.fingerprint()).isEqualTo(AttestationCertificates.TRUSTED_CA_SHA256);
        assertThat(ca.subject()).isEqualTo("O=Testkit,CN=Testkit TPM Manufacturer CA");
        clock().advance(Duration.ofSeconds(1));
        byte[] der = Base64.getMimeDecoder().decode(AttestationCertificates.SECOND_CA_PEM.replaceAll("-----[A-Z ]+-----", ""));
        TrustedCa second = admin().attestation().trustCa(org.id(), ALICE, der);
        assertThat(second.fingerprint()).isEqualTo(AttestationCertificates.SECOND_CA_SHA256);

        AttestationTrust trust = admin().attestation().trust(org.id());
        assertThat(trust.cas()).containsExactly(ca, second);
        TrustedCa read = trust.cas().get(0);
        assertThat(read.der()).isEqualTo(ca.der());
        assertThat(read.notAfter()).isEqualTo(ca.notAfter());
        assertThat(read.addedAt()).isEqualTo(ca.addedAt());
        assertThat(read.addedBy()).isEqualTo(ALICE);
        assertThat(store().attestationTrust().cas(org.id())).containsExactly(ca, second);
        assertThat(trust.ca(AttestationCertificates.SECOND_CA_SHA256)).contains(second);
        assertThat(admin().attestation().trust(other.id()).isEmpty()).isTrue();
        assertThat(store().attestationTrust().cas(other.id())).isEmpty();
        assertThat(admin().attestation().trust(OrganizationId.random()).isEmpty()).isTrue();

        List<AuditRecord> trusted = auditOf(org.id()).stream().filter(r -> r.event().action() == AuditAction.ATTESTATION_CA_TRUSTED).toList();
        assertThat(trusted).hasSize(2);
        assertThat(trusted.get(0).event().after()).containsEntry("fingerprint", AttestationCertificates.TRUSTED_CA_SHA256)
                .containsEntry("subject", "O=Testkit,CN=Testkit TPM Manufacturer CA");
        assertThat(trusted.get(0).event().actor()).isEqualTo(ALICE);
    }

    /** Contract: a duplicate, a non-CA, an expired and a malformed certificate are refused, and nothing is stored or audited. */
    @Test
    @DisplayName("a duplicate, a non-CA, an expired and a malformed certificate are refused, and nothing is stored or audited")
    default void refusedCertificates() {
        NewOrganization org = newOrg();
        admin().attestation().trustCa(org.id(), ALICE, bytes(AttestationCertificates.TRUSTED_CA_PEM));
        int audited = auditOf(org.id()).size();
        assertThatThrownBy(() -> admin().attestation().trustCa(org.id(), ALICE, bytes(AttestationCertificates.TRUSTED_CA_PEM)))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> admin().attestation().trustCa(org.id(), ALICE, bytes(AttestationCertificates.LEAF_PEM)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a CA");
        assertThatThrownBy(() -> admin().attestation().trustCa(org.id(), ALICE, bytes(AttestationCertificates.EXPIRED_CA_PEM)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("expired");
        assertThatThrownBy(() -> admin().attestation().trustCa(org.id(), ALICE, bytes("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin().attestation().trustCa(org.id(), ALICE, bytes(AttestationCertificates.TRUSTED_CA_PEM
                + AttestationCertificates.SECOND_CA_PEM))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin().attestation().trustCa(org.id(), ALICE, new byte[TrustedCa.MAX_CERTIFICATE_BYTES + 1]))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin().attestation().trustCa(OrganizationId.random(), ALICE, bytes(AttestationCertificates.SECOND_CA_PEM)))
                .isInstanceOf(NotFoundException.class);
        assertThat(admin().attestation().trust(org.id()).cas()).extracting(TrustedCa::fingerprint)
                .containsExactly(AttestationCertificates.TRUSTED_CA_SHA256);
        assertThat(auditOf(org.id())).hasSize(audited);
    }

    /** Contract: a removed CA is gone and audited; removing it again, or from another organization, is not found. */
    @Test
    @DisplayName("a removed CA is gone and audited; removing it again, or from another organization, is not found")
    default void caRemoved() {
        NewOrganization org = newOrg();
        NewOrganization other = newOrg();
        admin().attestation().trustCa(org.id(), ALICE, bytes(AttestationCertificates.TRUSTED_CA_PEM));
        String typed = AttestationCertificates.TRUSTED_CA_SHA256.toUpperCase(java.util.Locale.ROOT).replaceAll("(..)(?!$)", "$1:");
        assertThatThrownBy(() -> admin().attestation().removeCa(other.id(), ALICE, typed)).isInstanceOf(NotFoundException.class);
        admin().attestation().removeCa(org.id(), ALICE, typed);
        assertThat(admin().attestation().trust(org.id()).cas()).isEmpty();
        assertThatThrownBy(() -> admin().attestation().removeCa(org.id(), ALICE, typed)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> admin().attestation().removeCa(org.id(), ALICE, "not-a-hash")).isInstanceOf(InvalidInputException.class);
        AuditRecord removed = auditOf(org.id()).stream().filter(r -> r.event().action() == AuditAction.ATTESTATION_CA_REMOVED)
                .findFirst().orElseThrow();
        assertThat(removed.event().before()).containsEntry("fingerprint", AttestationCertificates.TRUSTED_CA_SHA256);
        admin().attestation().trustCa(org.id(), ALICE, bytes(AttestationCertificates.TRUSTED_CA_PEM));
        assertThat(admin().attestation().trust(org.id()).cas()).hasSize(1);
    }

    /** Contract: allow-listed endorsement keys are kept with their labels, looked up, refused twice, removed, each audited. */
    @Test
    @DisplayName("allow-listed endorsement keys are kept with their labels, looked up, refused twice, removed, each audited")
    default void endorsementKeys() {
        NewOrganization org = newOrg();
        NewOrganization other = newOrg();
        String ek1 = randomFingerprint();
        String ek2 = randomFingerprint();
        AllowedEndorsementKey first = admin().attestation().allowEndorsementKey(org.id(), ALICE, ek1.toUpperCase(java.util.Locale.ROOT),
                "bench 3");
        clock().advance(Duration.ofSeconds(1));
        AllowedEndorsementKey second = admin().attestation().allowEndorsementKey(org.id(), ALICE, ek2, "");
        assertThat(first.sha256()).isEqualTo(ek1);
        assertThat(admin().attestation().trust(org.id()).endorsementKeys()).containsExactly(first, second);
        assertThat(store().attestationTrust().findEndorsementKey(org.id(), ek1)).contains(first);
        assertThat(store().attestationTrust().findEndorsementKey(other.id(), ek1)).isEmpty();
        assertThatThrownBy(() -> admin().attestation().allowEndorsementKey(org.id(), ALICE, ek1, "again")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> admin().attestation().allowEndorsementKey(org.id(), ALICE, ek1.substring(2), "short"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin().attestation().allowEndorsementKey(org.id(), ALICE, randomFingerprint(), "tab\there"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin().attestation().removeEndorsementKey(other.id(), ALICE, ek1)).isInstanceOf(NotFoundException.class);
        admin().attestation().removeEndorsementKey(org.id(), ALICE, ek1);
        assertThat(store().attestationTrust().findEndorsementKey(org.id(), ek1)).isEmpty();
        assertThatThrownBy(() -> admin().attestation().removeEndorsementKey(org.id(), ALICE, ek1)).isInstanceOf(NotFoundException.class);
        assertThat(admin().attestation().trust(org.id()).endorsementKeys()).containsExactly(second);
        List<AuditAction> actions = auditOf(org.id()).stream().map(r -> r.event().action())
                .filter(a -> a == AuditAction.ENDORSEMENT_KEY_ALLOWED || a == AuditAction.ENDORSEMENT_KEY_REMOVED).toList();
        assertThat(actions).containsExactly(AuditAction.ENDORSEMENT_KEY_ALLOWED, AuditAction.ENDORSEMENT_KEY_ALLOWED,
                AuditAction.ENDORSEMENT_KEY_REMOVED);
    }

    /** Contract: an agent's attestation is kept through look-ups, lists and renewal; an agent without has none. */
    @Test
    @DisplayName("an agent's attestation is kept through look-ups, lists and renewal; an agent without has none")
    default void agentAttestationKept() {
        NewOrganization org = newOrg();
        AccessKey key = org.defaultKey();
        String fingerprint = randomFingerprint();
        AgentAttestation byCa = new AgentAttestation(randomFingerprint(), AttestationCertificates.TRUSTED_CA_SHA256, clock().instant());
        EnrollmentAttempt attempt = attempt(key, fingerprint);
        EnrollmentCommit commit = store().agents().enroll(attempt, facts -> {
            Agent agent = newAgent(key, key.groupId(), fingerprint, attempt.installer()).withAttestation(Optional.of(byCa));
            return new EnrollmentVerdict.Admit(agent, AuditEvent.of(attempt.now(), key.organizationId(), Actor.SYSTEM,
                    AuditAction.AGENT_ENROLLED, Subject.of(agent.id()), Map.of(), Map.of("ekSha256", byCa.endorsementKeySha256())));
        });
        Agent attested = ((EnrollmentCommit.Enrolled) commit).agent();
        assertThat(attested.attestation()).contains(byCa);
        Agent plain = enrolledAgent(org);
        assertThat(store().agents().find(org.id(), attested.id()).orElseThrow().attestation()).contains(byCa);
        assertThat(store().agents().findByPublicKeyFingerprint(org.id(), fingerprint).orElseThrow().attestation()).contains(byCa);
        assertThat(store().agents().find(org.id(), plain.id()).orElseThrow().attestation()).isEmpty();
        assertThat(admin().agents().listByGroup(org.id(), key.groupId(), PageRequest.first(10)).items())
                .filteredOn(a -> a.id().equals(attested.id())).singleElement().extracting(Agent::attestation).isEqualTo(Optional.of(byCa));

        clock().advance(Duration.ofHours(1));
        RenewalCommit renewed = renew(renewal(attested), f -> new RenewalVerdict.Renew(f.agent().orElseThrow().credentialGeneration() + 1,
                Duration.ofDays(1)));
        assertThat(((RenewalCommit.Applied) renewed).agent().attestation()).contains(byCa);
        assertThat(store().agents().find(org.id(), attested.id()).orElseThrow().attestation()).contains(byCa);

        AgentAttestation allowListed = AgentAttestation.allowListed(randomFingerprint(), clock().instant());
        String fp2 = randomFingerprint();
        EnrollmentAttempt second = attempt(key, fp2);
        Agent viaList = ((EnrollmentCommit.Enrolled) store().agents().enroll(second, facts -> {
            Agent agent = newAgent(key, key.groupId(), fp2, second.installer()).withAttestation(Optional.of(allowListed));
            return new EnrollmentVerdict.Admit(agent, AuditEvent.of(second.now(), key.organizationId(), Actor.SYSTEM,
                    AuditAction.AGENT_ENROLLED, Subject.of(agent.id()), Map.of(), Map.of()));
        })).agent();
        Agent read = store().agents().find(org.id(), viaList.id()).orElseThrow();
        assertThat(read.attestation()).contains(allowListed);
        assertThat(read.attestation().orElseThrow().isAllowListed()).isTrue();
    }
}
