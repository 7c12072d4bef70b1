package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.Sha256Hex;
import com.heartbeatrm.core.spi.HeartbeatStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An organization's trust anchors for TPM 2.0-attested enrollment: the manufacturer CAs whose endorsement key
 * certificates it trusts, and endorsement keys it trusts by themselves. Each change is one atomic store step with its
 * audit event. Which groups require attestation is the {@link SecuritySetting#ATTESTATION} setting.
 *
 * <pre>{@code
 * TrustedCa ca = admin.attestation().trustCa(org, Actor.of("alice"), Files.readAllBytes(Path.of("ek-ca.pem")));
 * admin.attestation().allowEndorsementKey(org, Actor.of("alice"), ekSha256, "lab bench 3");
 * }</pre>
 */
public final class AttestationTrustAdmin extends AdminSection {
    AttestationTrustAdmin(HeartbeatStore store, Clock clock) {
        super(store, clock);
    }

    /**
     * Makes the organization trust a TPM manufacturer CA: an endorsement key certificate that chains to it admits
     * the TPM. Audits {@link AuditAction#ATTESTATION_CA_TRUSTED}.
     *
     * @param org      the organization
     * @param actor    who makes the change
     * @param pemOrDer the CA certificate, PEM (one block) or DER, at most {@link TrustedCa#MAX_CERTIFICATE_BYTES} bytes
     * @return the trusted CA
     * @throws InvalidInputException when it is not one X.509 certificate, not a CA certificate, or not valid now
     * @throws ConflictException     when the organization trusts this CA already, or {@link AttestationTrust#MAX_CAS} CAs
     * @throws NotFoundException     when the organization does not exist
     */
    public TrustedCa trustCa(OrganizationId org, Actor actor, byte[] pemOrDer) {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(actor, "actor");
        Instant now = clock.instant();
        TrustedCa ca = TrustedCa.parse(pemOrDer, now, actor).checkValidAt(now);
        store.attestationTrust().addCa(org, ca, AuditEvent.of(now, org, actor, AuditAction.ATTESTATION_CA_TRUSTED, Subject.of(org),
                Map.of(), describe(ca)));
        return ca;
    }

    /**
     * Stops trusting a CA: attested enrollments whose endorsement key chains to it are refused from now on, including
     * those whose challenge was issued before. Agents enrolled before keep their record. Audits
     * {@link AuditAction#ATTESTATION_CA_REMOVED}.
     *
     * @param org         the organization
     * @param actor       who makes the change
     * @param fingerprint the CA's SHA-256 fingerprint, hex in either case, optionally colon-separated
     * @throws InvalidInputException when the fingerprint is not a SHA-256
     * @throws NotFoundException     when the organization trusts no such CA
     */
    public void removeCa(OrganizationId org, Actor actor, String fingerprint) {
        remove(org, actor, "fingerprint", fingerprint, AuditAction.ATTESTATION_CA_REMOVED, store.attestationTrust()::removeCa);
    }

    /**
     * Allow-lists a TPM endorsement key: a TPM that proves it holds this endorsement key is trusted whatever its
     * certificate. Audits {@link AuditAction#ENDORSEMENT_KEY_ALLOWED}.
     *
     * @param org    the organization
     * @param actor  who makes the change
     * @param sha256 SHA-256 of the endorsement key's SubjectPublicKeyInfo DER, hex in either case, optionally
     *               colon-separated
     * @param label  what the admin calls it, up to {@link AllowedEndorsementKey#MAX_LABEL_LENGTH} characters; may be empty
     * @return the allow-list entry
     * @throws InvalidInputException when the hash is not a SHA-256 or the label is too long or holds a control character
     * @throws ConflictException     when the key is allow-listed already, or the organization has
     *                               {@link AttestationTrust#MAX_ENDORSEMENT_KEYS} of them
     * @throws NotFoundException     when the organization does not exist
     */
    public AllowedEndorsementKey allowEndorsementKey(OrganizationId org, Actor actor, String sha256, String label) {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(actor, "actor");
        Instant now = clock.instant();
        AllowedEndorsementKey key = new AllowedEndorsementKey(Sha256Hex.normalize("sha256", sha256), Objects.requireNonNull(label, "label"),
                now, actor);
        store.attestationTrust().allowEndorsementKey(org, key, AuditEvent.of(now, org, actor, AuditAction.ENDORSEMENT_KEY_ALLOWED,
                Subject.of(org), Map.of(), Map.of("sha256", key.sha256(), "label", key.label())));
        return key;
    }

    /**
     * Removes an endorsement key from the allow-list. Audits {@link AuditAction#ENDORSEMENT_KEY_REMOVED}.
     *
     * @param org    the organization
     * @param actor  who makes the change
     * @param sha256 the key's SHA-256, hex in either case, optionally colon-separated
     * @throws InvalidInputException when the hash is not a SHA-256
     * @throws NotFoundException     when the key is not on the organization's allow-list
     */
    public void removeEndorsementKey(OrganizationId org, Actor actor, String sha256) {
        remove(org, actor, "sha256", sha256, AuditAction.ENDORSEMENT_KEY_REMOVED, store.attestationTrust()::removeEndorsementKey);
    }

    /**
     * The organization's trust anchors.
     *
     * @param org the organization
     * @return its CAs and allow-listed endorsement keys; empty for an unknown organization
     */
    public AttestationTrust trust(OrganizationId org) {
        return store.attestationTrust().trust(Objects.requireNonNull(org, "org"));
    }

    /** What the two removals share: the typed hash normalized, then one store step with its audit event. */
    private void remove(OrganizationId org, Actor actor, String field, String typed, AuditAction action, Removal removal) {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(actor, "actor");
        String hash = Sha256Hex.normalize(field, typed);
        removal.remove(org, hash, AuditEvent.of(clock.instant(), org, actor, action, Subject.of(org), Map.of(field, hash), Map.of()));
    }

    /** One of the store's two removals. */
    @FunctionalInterface
    private interface Removal {
        void remove(OrganizationId org, String hash, AuditEvent audit);
    }

    private static Map<String, String> describe(TrustedCa ca) {
        return Map.of("fingerprint", ca.fingerprint(), "subject", ca.subject(), "notAfter", ca.notAfter().toString());
    }
}
