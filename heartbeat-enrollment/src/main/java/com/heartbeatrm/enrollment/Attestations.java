package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AgentAttestation;
import com.heartbeatrm.core.AttestationRequirement;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import com.heartbeatrm.core.TrustedCa;
import com.heartbeatrm.core.spi.AttestationTrustStore;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.enrollment.EnrollmentPipeline.Evidence;
import com.heartbeatrm.enrollment.Steps.Decision;
import com.heartbeatrm.enrollment.internal.SealedChallenge;
import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import com.heartbeatrm.protocol.AttestationChallenge;
import com.heartbeatrm.protocol.AttestationChallengeRequest;
import com.heartbeatrm.protocol.AttestationEvidence;
import com.heartbeatrm.protocol.EnrollmentAttestation;
import com.heartbeatrm.protocol.EnrollmentClaims;
import com.heartbeatrm.protocol.RequestException;
import com.heartbeatrm.tpm.AttestationRefusal;
import com.heartbeatrm.tpm.AttestationRefusedException;
import com.heartbeatrm.tpm.AttestationResponse;
import com.heartbeatrm.tpm.AttestationVerdict;
import com.heartbeatrm.tpm.AttestationVerifier;
import com.heartbeatrm.tpm.CredentialChallenge;
import com.heartbeatrm.tpm.PendingAttestation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * TPM 2.0-attested enrollment, server side: the challenge endpoint and the enrollment pipeline's attestation steps.
 *
 * <p>Stateless. A challenge proves its token first, exactly as an enrollment would ({@link Installers#check}: the
 * signature, the issuer, the installer recorded and not revoked, its access key usable; and the key is not blocked
 * from this address): a request that proves nothing costs no RSA or ECDH work and stores nothing. The verifier judges
 * the EK against the organization's trust anchors as they are now, and the challenge's fields (organization, key,
 * installer, issue and expiry, the AK, the EK's hash, who vouched for it, the credential secret, the nonce) go back
 * to the agent sealed under the deployment's key-encryption key ({@link SealedChallenge}): any node can judge the
 * answer, and nothing is kept in between.
 *
 * <p>At enrollment ({@link #verify}, before the store): an attestation, whenever present, is judged, whatever the group
 * says; present and invalid is refused, never ignored. The sealed challenge must be this deployment's, for the token's
 * installer, unexpired; the answer must prove the key (credential activated, certification by the AK over the nonce,
 * fixedTPM and fixedParent) and the certified key must be the request's key; the CA or allow-listed EK that vouched
 * for the TPM must still be trusted. The challenge's nonce, scoped to the TPM's EK, becomes the attempt's replay
 * nonce, remembered in the enrollment's transaction: a second enrollment with the same challenge, by any key, is
 * {@code replayed}, except the enrollment that used it, sent again by the same key because its answer was lost: that
 * one gets the agent it already has ({@link #lostAnswer}), as a plain enrollment's retry does. In
 * the store's transaction ({@link #required}), a group whose {@code attestation} is {@code tpm} refuses an enrollment
 * without one.
 */
final class Attestations {
    private final HeartbeatStore store;
    private final Installers installers;
    private final KeyEncryptionKey kek;
    private final Denials denials;
    private final EnrollmentPolicy policy;
    private final Clock clock;
    private final Duration lifetime;
    /** Judges answers only: the trust was judged at the challenge and is re-checked here against the store. */
    private final AttestationVerifier answers;

    /** What a verified attestation proved: the agent's TPM, by its EK's hash, and who vouched for it. */
    record Attested(String endorsementKeySha256, String trustedBy) {
        AgentAttestation at(Instant when) {
            return new AgentAttestation(endorsementKeySha256, trustedBy, when);
        }

        /** The event with the EK's hash and who vouched for it among its new values; never the credential. */
        AuditEvent audited(AuditEvent event) {
            Map<String, String> after = new LinkedHashMap<>(event.after());
            after.put("endorsementKeySha256", endorsementKeySha256);
            after.put("trustedBy", trustedBy);
            return AuditEvent.of(event.at(), event.organizationId(), event.actor(), event.action(), event.subject(), event.before(), after);
        }
    }

    /** The challenge endpoint's answer: a challenge, or a refusal. */
    sealed interface ChallengeAnswer permits Issued, Refused {
    }

    /** A challenge to send. */
    record Issued(AttestationChallenge challenge) implements ChallengeAnswer {
    }

    /** Refused, as an enrollment would be. */
    record Refused(Denied denied) implements ChallengeAnswer {
    }

    Attestations(HeartbeatStore store, Installers installers, KeyEncryptionKey kek, Denials denials, EnrollmentPolicy policy, Clock clock,
            Duration lifetime) {
        this.store = store;
        this.installers = installers;
        this.kek = kek;
        this.denials = denials;
        this.policy = policy;
        this.clock = clock;
        this.lifetime = lifetime;
        this.answers = AttestationVerifier.builder().endorsementKeyAllowList(ek -> false).clock(clock).maxAge(lifetime).build();
    }

    // ------------------------------------------------------------------------------------------ the challenge

    ChallengeAnswer challenge(byte[] body, RequestContext ctx) {
        if (body.length > AttestationChallengeRequest.MAX_BODY_BYTES) {
            return unverified(DenialReason.REQUEST_OVERSIZED, ctx);
        }
        AttestationChallengeRequest request;
        try {
            request = AttestationChallengeRequest.parse(body);
        } catch (RequestException e) {
            return unverified(DenialReason.of(e.problem()), ctx);
        }
        TokenCheck check = installers.check(request.token());
        if (check instanceof TokenCheck.Denied d) {
            if (d.claims().isEmpty()) {
                return unverified(d.reason(), ctx);
            }
            EnrollmentClaims c = d.claims().get();
            return refused(d.reason(), ctx, OrganizationId.parse(c.organizationId()), AccessKeyId.parse(c.accessKeyId()),
                    InstallerId.parse(c.installerId()), false, Map.of());
        }
        TokenCheck.Valid valid = (TokenCheck.Valid) check;
        EnrollmentClaims c = valid.token().claims();
        OrganizationId org = OrganizationId.parse(c.organizationId());
        AccessKeyId key = AccessKeyId.parse(c.accessKeyId());
        InstallerId installer = InstallerId.parse(c.installerId());
        Optional<Instant> blocked = store.throttles().blockedUntil(ThrottleBuckets.keyFrom(key, ctx.remoteAddress()), ctx.receivedAt());
        if (blocked.isPresent()) {
            return new Refused(new Denied(DenialReason.THROTTLED, Optional.of(Duration.between(ctx.receivedAt(), blocked.get()))
                    .filter(r -> !r.isNegative())));
        }
        PendingAttestation pending;
        try {
            pending = verifierFor(org).challenge(request.evidence());
        } catch (AttestationRefusedException e) {
            return refused(reason(e.refusal().reason()), ctx, org, key, installer, e.refusal().reason() == AttestationRefusal.INVALID,
                    refusalDetails(e.refusal().detail(), request.evidence()));
        } catch (IllegalArgumentException e) {
            return refused(DenialReason.ATTESTATION_INVALID, ctx, org, key, installer, true,
                    refusalDetails("the evidence is out of its bounds", request.evidence()));
        }
        Instant expiresAt = pending.issuedAt().plus(lifetime);
        byte[] secret = pending.expectedCredential();
        SealedChallenge sealed = new SealedChallenge(org.value(), key.value(), installer.value(), pending.issuedAt(), expiresAt,
                pending.attestationKeyPublic(), pending.endorsementKeySha256(), pending.trustedBy(), secret, pending.nonce());
        Arrays.fill(secret, (byte) 0);
        byte[] plain = sealed.encode();
        sealed.destroy();
        SecretBytes held = SecretBytes.copyOf(plain, SecretAccess.grant());
        Arrays.fill(plain, (byte) 0);
        byte[] challengeId;
        try {
            challengeId = kek.wrap(held, SealedChallenge.ASSOCIATED_DATA);
        } finally {
            held.destroy();
        }
        CredentialChallenge made = pending.challenge();
        return new Issued(new AttestationChallenge(challengeId, made.credentialBlob(), made.encryptedSecret(), made.nonce(), expiresAt));
    }

    /** The organization's trust as it is now: its CAs valid now, and its allow-list asked for the one EK at hand. */
    private AttestationVerifier verifierFor(OrganizationId org) {
        AttestationTrustStore trust = store.attestationTrust();
        AttestationVerifier.Builder b = AttestationVerifier.builder().clock(clock).maxAge(lifetime)
                .endorsementKeyAllowList(ek -> trust.findEndorsementKey(org, ek).isPresent());
        Instant now = clock.instant();
        for (TrustedCa ca : trust.cas(org)) {
            if (!ca.notAfter().isBefore(now)) {
                b.trustManufacturerCa(ca.certificate());
            }
        }
        return b.build();
    }

    private ChallengeAnswer unverified(DenialReason reason, RequestContext ctx) {
        Optional<Instant> blocked = store.throttles().blockedUntil(ThrottleBuckets.enrollFrom(ctx.remoteAddress()), ctx.receivedAt());
        denials.logUnverified("attestation challenge", reason, ctx.remoteAddress());
        if (blocked.isPresent()) {
            return new Refused(new Denied(DenialReason.THROTTLED, Optional.of(Duration.between(ctx.receivedAt(), blocked.get()))
                    .filter(r -> !r.isNegative())));
        }
        denials.countFailure(ThrottleBuckets.enrollFrom(ctx.remoteAddress()), ctx.receivedAt(), policy.addressThreshold());
        return new Refused(new Denied(reason));
    }

    private ChallengeAnswer refused(DenialReason reason, RequestContext ctx, OrganizationId org, AccessKeyId key, InstallerId installer,
            boolean suspect, Map<String, String> details) {
        if (suspect) {
            denials.countKeyFailure(org, key, ctx.remoteAddress(), ctx.receivedAt());
        }
        AuditEvent event = denials.decisionEvent(ctx, org, AuditAction.ENROLLMENT_DENIED, null, key, installer, null, reason.name(), null);
        if (!details.isEmpty()) {
            Map<String, String> after = new LinkedHashMap<>(event.after());
            after.putAll(details);
            event = AuditEvent.of(event.at(), event.organizationId(), event.actor(), event.action(), event.subject(), event.before(), after);
        }
        denials.refused(event, ctx.remoteAddress());
        return new Refused(new Denied(reason));
    }

    /** The longest text an attestation refusal's audit attribute keeps. */
    static final int MAX_DETAIL = 300;

    /**
     * What an operator needs to act on a refused challenge, none of it secret: the check that failed (for a TPM
     * without an EK certificate, it names the EK's SHA-256, the value to allow-list), and when the evidence carries
     * an EK certificate that parses, its issuer and the SHA-256 of its key. Each value printable and bounded.
     */
    static Map<String, String> refusalDetails(String detail, AttestationEvidence evidence) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("attestationDetail", bounded(detail));
        if (evidence.endorsementCertificate().isPresent()) {
            try {
                java.security.cert.X509Certificate cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                        .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(evidence.endorsementCertificate().get()));
                out.put("ekCertificateIssuer", bounded(cert.getIssuerX500Principal().getName()));
                out.put("ekCertificateKeySha256", AttestationVerifier.endorsementKeySha256(cert.getPublicKey()));
            } catch (java.security.cert.CertificateException | RuntimeException notACertificate) {
                out.put("ekCertificateIssuer", "(the EK certificate does not parse)");
            }
        }
        return out;
    }

    private static String bounded(String text) {
        String printable = text.replaceAll("\\p{Cntrl}+", " ");
        return printable.length() > MAX_DETAIL ? printable.substring(0, MAX_DETAIL - 1) + "…" : printable;
    }

    static DenialReason reason(AttestationRefusal r) {
        return switch (r) {
            case UNTRUSTED -> DenialReason.ATTESTATION_UNTRUSTED;
            case INVALID -> DenialReason.ATTESTATION_INVALID;
            case STALE -> DenialReason.ATTESTATION_STALE;
            case REPLAYED -> DenialReason.REPLAYED;
        };
    }

    // ------------------------------------------------------------------------------------------ enrollment

    /** The pipeline step before the store: judges an attestation the request carries; passes a request without. */
    Decision<Evidence> verify(Evidence e) {
        Optional<EnrollmentAttestation> carried = e.request().attestation();
        if (carried.isEmpty()) {
            return Steps.pass(e, () -> "no attestation");
        }
        EnrollmentAttestation a = carried.get();
        SealedChallenge sealed;
        try {
            SecretBytes held = kek.unwrap(a.challengeId(), SealedChallenge.ASSOCIATED_DATA);
            byte[] plain = held.toByteArray(SecretAccess.grant());
            held.destroy();
            try {
                sealed = SealedChallenge.decode(plain);
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        } catch (KeyUnwrapException | SealedChallenge.Malformed ex) {
            return Steps.deny(DenialReason.ATTESTATION_INVALID, "the challenge id is not one this deployment issued", e);
        }
        try {
            return verify(e, a, sealed);
        } finally {
            sealed.destroy();
        }
    }

    private Decision<Evidence> verify(Evidence e, EnrollmentAttestation a, SealedChallenge sealed) {
        EnrollmentAttempt t = e.attempt();
        if (!sealed.organization().equals(t.organization().value()) || !sealed.accessKey().equals(t.key().value())
                || !sealed.installer().equals(t.installer().value())) {
            return Steps.deny(DenialReason.ATTESTATION_INVALID, "the challenge was issued for another installer", e);
        }
        if (e.ctx().receivedAt().isAfter(sealed.expiresAt())) {
            return Steps.deny(DenialReason.ATTESTATION_STALE, "the challenge expired at " + sealed.expiresAt(), e);
        }
        byte[] secret = sealed.secret();
        AttestationVerdict verdict;
        try {
            PendingAttestation pending = PendingAttestation.resumed(sealed.attestationKeyPublic(), sealed.nonce(), secret, sealed.issuedAt(),
                    sealed.endorsementKeySha256(), sealed.trustedBy());
            verdict = answers.verify(pending, new AttestationResponse(a.credential(), a.certifyInfo(), a.signature(), a.keyPublic()));
        } catch (IllegalArgumentException ex) {
            return Steps.deny(DenialReason.ATTESTATION_INVALID, "the attestation is out of its bounds", e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        if (verdict instanceof AttestationVerdict.Refused r) {
            return Steps.deny(reason(r.reason()), r.detail(), e);
        }
        AttestationVerdict.Attested proven = (AttestationVerdict.Attested) verdict;
        if (!Arrays.equals(AgentKeyAlgorithm.sec1Of(proven.agentKey()), e.request().publicKey())) {
            return Steps.deny(DenialReason.ATTESTATION_INVALID, "the certified key is not the request's public key", e);
        }
        if (!stillTrusted(t.organization(), sealed, e.ctx().receivedAt())) {
            return Steps.deny(DenialReason.ATTESTATION_UNTRUSTED, "what vouched for the TPM (" + sealed.trustedBy()
                    + ") is no longer trusted", e);
        }
        String challengeNonce = Base64.getUrlEncoder().withoutPadding().encodeToString(sealed.nonce());
        Instant remember = t.nonceExpiresAt().isAfter(sealed.expiresAt()) ? t.nonceExpiresAt() : sealed.expiresAt();
        // The challenge's nonce, scoped to the TPM: one challenge admits one enrollment, whichever key it certifies.
        EnrollmentAttempt once = new EnrollmentAttempt(t.organization(), t.installer(), t.key(), t.signingKeyId(), t.agentFingerprint(),
                challengeNonce, remember, t.now(), t.throttleBucket(), Optional.of(sealed.endorsementKeySha256()), e.request().facts().machineFingerprint());
        Attested attested = new Attested(proven.endorsementKeySha256(), proven.trustedBy());
        return Steps.pass(e.withToken(e.token(), once).attested(attested), () -> "the key is in a TPM with EK " + attested.endorsementKeySha256()
                + ", trusted by " + attested.trustedBy());
    }

    private boolean stillTrusted(OrganizationId org, SealedChallenge sealed, Instant now) {
        AttestationTrustStore trust = store.attestationTrust();
        if (sealed.trustedBy().equals(AgentAttestation.ALLOW_LIST)) {
            return trust.findEndorsementKey(org, sealed.endorsementKeySha256()).isPresent();
        }
        return trust.cas(org).stream().anyMatch(ca -> ca.fingerprint().equals(sealed.trustedBy()) && !ca.notAfter().isBefore(now));
    }

    /**
     * Whether an attested enrollment that the store refused as replayed is the retry of the enrollment that used its
     * challenge, whose answer was lost: the judge passed it as a repeat of the agent that already holds the request's
     * key (the identity step: pending, or not renewed yet), and that agent's recorded TPM is the one just proven.
     * Such a request is answered as a plain enrollment's retry (a fresh request by the same key gets the agent it
     * already has); with a new challenge it would get the same. The challenge stays single use for anything else: a
     * second key certified under it, or a key no agent holds with that TPM, is still {@code replayed}.
     *
     * @param e the evidence the judge passed
     * @param replayed whether the store refused the request for its nonce
     */
    static boolean lostAnswer(Evidence e, boolean replayed) {
        Attested attested = e.attested();
        com.heartbeatrm.core.Agent held = e.existing();
        return replayed && attested != null && held != null
                && held.attestation().map(AgentAttestation::endorsementKeySha256).filter(attested.endorsementKeySha256()::equals).isPresent();
    }

    /** The step in the store's transaction: a group that requires attestation refuses an enrollment without one. */
    static Decision<Evidence> required(Evidence e) {
        Attested attested = e.attested();
        if (attested != null) {
            return Steps.pass(e, () -> "attested: EK " + attested.endorsementKeySha256() + ", trusted by " + attested.trustedBy());
        }
        if (e.settings().attestation() == AttestationRequirement.TPM) {
            return Steps.deny(DenialReason.ATTESTATION_REQUIRED, "the group requires TPM attestation and the request carries none", e);
        }
        return Steps.pass(e, () -> "not attested; the group does not require it");
    }
}
