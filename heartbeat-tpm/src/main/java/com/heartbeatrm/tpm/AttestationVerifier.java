package com.heartbeatrm.tpm;

import com.heartbeatrm.protocol.AttestationEvidence;
import com.heartbeatrm.tpm.internal.Attest;
import com.heartbeatrm.tpm.internal.Credential;
import com.heartbeatrm.tpm.internal.PublicArea;
import com.heartbeatrm.tpm.internal.Tpm2;
import com.heartbeatrm.tpm.internal.TpmReader;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.security.auth.x500.X500Principal;
import org.jspecify.annotations.Nullable;

/**
 * The server side of TPM 2.0 attestation, in JDK crypto only.
 *
 * <p>Design. Two round trips prove three things. (1) The EK is genuine: its certificate chains to a manufacturer CA
 * the organization trusts, or the EK's key is on the allow-list ({@link #challenge}). (2) The attestation key (AK)
 * lives in the same TPM as that EK: the server makes a credential for the AK's name encrypted to the EK
 * (MakeCredential, {@link Credential}); only that TPM, holding both, can activate it, and the agent returns it.
 * (3) The agent key lives in that TPM and cannot leave it: the AK, which is restricted (the TPM signs with it only
 * structures it generated itself, so an attestation cannot be forged with it) and fixed to the TPM, certifies the
 * agent key's name over the server's nonce; the certified public area has fixedTPM and fixedParent. A challenge is
 * answered once and within {@code maxAge} of its issue on the injected clock.
 *
 * <p>EKs of the default templates only: RSA 2048 (L-1, the one every TPM provisions) and ECC P-256 (L-2); AKs and
 * agent keys are ECDSA P-256.
 */
public final class AttestationVerifier {
    private static final int MAX_INTERMEDIATES = 4;

    private final List<TrustAnchor> anchors;
    private final List<X509Certificate> intermediates;
    private final Set<String> allowedEndorsementKeys;
    private final Predicate<String> allowList;
    private final Clock clock;
    private final Duration maxAge;
    private final SecureRandom random;

    private AttestationVerifier(Builder b) {
        this.anchors = List.copyOf(b.anchors);
        this.intermediates = List.copyOf(b.intermediates);
        this.allowedEndorsementKeys = Set.copyOf(b.allowed);
        this.allowList = b.allowList;
        this.clock = b.clock;
        this.maxAge = b.maxAge;
        this.random = b.random;
    }

    /** {@return a builder with no trust configured, the system clock, a five-minute maximum age} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Judges the EK and the AK and, if both pass, makes a challenge for them.
     *
     * @param request the agent's EK certificate (if any), EK and attestation key public areas
     * @return the challenge to send and what the verifier keeps to judge the answer; answerable once
     *
     * @throws AttestationRefusedException UNTRUSTED for an EK neither certified by a trusted CA nor allow-listed,
     *     INVALID for anything that does not parse or has the wrong attributes
     */
    public PendingAttestation challenge(AttestationEvidence request) throws AttestationRefusedException {
        PublicArea ak = parse(request.attestationKeyPublic(), "attestation key");
        if (ak.type() != Tpm2.ALG_ECC || ak.curve() != Tpm2.ECC_NIST_P256 || ak.scheme() != Tpm2.ALG_ECDSA
                || ak.schemeHash() != Tpm2.ALG_SHA256) {
            throw refused(AttestationRefusal.INVALID, "attestation key is not ECDSA P-256 with SHA-256");
        }
        if (!ak.has(Tpm2.RESTRICTED) || !ak.has(Tpm2.SIGN) || ak.has(Tpm2.DECRYPT)) {
            throw refused(AttestationRefusal.INVALID, "attestation key is not a restricted signing key");
        }
        if (!ak.has(Tpm2.FIXED_TPM) || !ak.has(Tpm2.FIXED_PARENT)) {
            throw refused(AttestationRefusal.INVALID, "attestation key lacks fixedTPM or fixedParent");
        }
        PublicArea ekArea = parse(request.endorsementKeyPublic(), "endorsement key");
        if ((ekArea.type() != Tpm2.ALG_RSA && ekArea.type() != Tpm2.ALG_ECC) || ekArea.symmetric() != Tpm2.ALG_AES
                || ekArea.symmetricBits() != 128 || ekArea.scheme() != Tpm2.ALG_NULL
                || !ekArea.has(Tpm2.RESTRICTED | Tpm2.DECRYPT | Tpm2.FIXED_TPM | Tpm2.FIXED_PARENT) || ekArea.has(Tpm2.SIGN)) {
            throw refused(AttestationRefusal.INVALID,
                    "endorsement key is not a restricted decryption key of template L-1 (RSA 2048) or L-2 (ECC P-256)");
        }
        PublicKey ek;
        try {
            ek = ekArea.toPublicKey();
        } catch (TpmReader.Malformed e) {
            throw refused(AttestationRefusal.INVALID, "endorsement key: " + e.getMessage());
        }
        if (ek instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() != 2048) {
            throw refused(AttestationRefusal.INVALID, "endorsement key is not RSA 2048");
        }
        String ekHash = HexFormat.of().formatHex(sha256(ek.getEncoded()));

        String trustedBy = null;
        String chainProblem = "";
        Optional<byte[]> certificate = request.endorsementCertificate();
        if (certificate.isPresent()) {
            X509Certificate cert = certificate(certificate.get());
            if (!ekArea.sameKey(cert.getPublicKey())) {
                throw refused(AttestationRefusal.INVALID, "endorsement certificate is for another key");
            }
            Chain chain = chainsToAnchor(cert);
            trustedBy = chain.anchor();
            chainProblem = chain.problem();
        }
        if (trustedBy == null && (allowedEndorsementKeys.contains(ekHash) || allowList.test(ekHash))) {
            trustedBy = "allow-list";
        }
        if (trustedBy == null) {
            throw refused(AttestationRefusal.UNTRUSTED, certificate.isPresent()
                    ? "endorsement certificate does not chain to a trusted manufacturer CA (" + chainProblem
                            + "), and the EK is not allow-listed (EK SHA-256 " + ekHash + ")"
                    : "no endorsement certificate, and the EK is not allow-listed (EK SHA-256 " + ekHash + ")");
        }

        byte[] secret = new byte[32];
        byte[] nonce = new byte[32];
        random.nextBytes(secret);
        random.nextBytes(nonce);
        Credential.Made made;
        try {
            made = ek instanceof RSAPublicKey rsa
                    ? Credential.make(rsa, ak.name(), secret, random)
                    : Credential.make((ECPublicKey) ek, ak.name(), secret, random);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks RSA-OAEP, ECDH, AES-CFB or HMAC-SHA256", e);
        }
        CredentialChallenge challenge = new CredentialChallenge(made.credentialBlob(), made.encryptedSecret(), nonce);
        PendingAttestation pending = new PendingAttestation(challenge, nonce, secret, clock.instant(), ak, ekHash, trustedBy);
        Arrays.fill(secret, (byte) 0);
        return pending;
    }

    /**
     * Judges the agent's answer to {@code pending}; consumes it whatever the verdict. Never throws for bad evidence.
     *
     * @param pending  the challenge as issued by {@link #challenge}
     * @param response the agent's answer
     * @return {@code Attested} with the proven agent key, or {@code Refused}: REPLAYED for a second answer, STALE
     *     past the maximum age, INVALID for evidence that does not prove the key lives in that TPM
     */
    public AttestationVerdict verify(PendingAttestation pending, AttestationResponse response) {
        if (!pending.markAnswered()) {
            return new AttestationVerdict.Refused(AttestationRefusal.REPLAYED, "challenge already answered");
        }
        Instant now = clock.instant();
        if (now.isAfter(pending.issuedAt().plus(maxAge)) || now.isBefore(pending.issuedAt().minus(maxAge))) {
            return new AttestationVerdict.Refused(AttestationRefusal.STALE, "challenge issued at " + pending.issuedAt()
                    + " answered at " + now + ", more than " + maxAge + " apart");
        }
        byte[] certifyInfo = response.certifyInfo();
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(pending.attestationKey().toPublicKey());
            ecdsa.update(certifyInfo);
            if (!ecdsa.verify(Attest.ecdsaSignatureToDer(response.signature()))) {
                return invalid("certification is not signed by the attestation key");
            }
        } catch (TpmReader.Malformed e) {
            return invalid("certification signature: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            return invalid("certification signature does not verify");
        }
        Attest attest;
        try {
            attest = Attest.parseCertify(certifyInfo);
        } catch (TpmReader.Malformed e) {
            return invalid("certification: " + e.getMessage());
        }
        if (!MessageDigest.isEqual(attest.extraData(), pending.nonce())) {
            return new AttestationVerdict.Refused(AttestationRefusal.REPLAYED, "certification was made for another challenge's nonce");
        }
        if (!pending.credentialMatches(response)) {
            return invalid("activated credential does not match: the attestation key is not in the TPM holding the EK");
        }
        PublicArea agentKey;
        try {
            agentKey = PublicArea.parse(response.agentKeyPublic());
        } catch (TpmReader.Malformed e) {
            return invalid("agent key: " + e.getMessage());
        }
        if (!MessageDigest.isEqual(attest.certifiedName(), agentKey.name())) {
            return invalid("the certified key is not the agent key presented");
        }
        if (!agentKey.has(Tpm2.FIXED_TPM) || !agentKey.has(Tpm2.FIXED_PARENT)) {
            return invalid("agent key lacks fixedTPM or fixedParent: it could leave the TPM");
        }
        if (!agentKey.has(Tpm2.SIGN) || agentKey.has(Tpm2.RESTRICTED) || agentKey.type() != Tpm2.ALG_ECC) {
            return invalid("agent key is not an unrestricted ECDSA signing key");
        }
        PublicKey key;
        try {
            key = agentKey.toPublicKey();
        } catch (TpmReader.Malformed e) {
            return invalid("agent key: " + e.getMessage());
        }
        return new AttestationVerdict.Attested(key, agentKey.encoded(), pending.endorsementKeySha256(), pending.trustedBy());
    }

    private static AttestationVerdict.Refused invalid(String detail) {
        return new AttestationVerdict.Refused(AttestationRefusal.INVALID, detail);
    }

    private static AttestationRefusedException refused(AttestationRefusal reason, String detail) {
        return new AttestationRefusedException(new AttestationVerdict.Refused(reason, detail));
    }

    private static PublicArea parse(byte[] area, String what) throws AttestationRefusedException {
        try {
            return PublicArea.parse(area);
        } catch (TpmReader.Malformed e) {
            throw refused(AttestationRefusal.INVALID, what + ": " + e.getMessage());
        }
    }

    private static X509Certificate certificate(byte[] der) throws AttestationRefusedException {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            X509Certificate cert = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
            if (!Arrays.equals(cert.getEncoded(), der)) {
                throw refused(AttestationRefusal.INVALID, "endorsement certificate has trailing or non-DER bytes");
            }
            return cert;
        } catch (GeneralSecurityException e) {
            throw refused(AttestationRefusal.INVALID, "endorsement certificate does not parse");
        }
    }

    /** The fingerprint of the trust anchor the certificate chains to, or why it does not. */
    private record Chain(@Nullable String anchor, String problem) {}

    /**
     * Validates the path found by walking issuer names through the configured intermediates (the common case, one
     * PKIX validation); when that fails and intermediates are configured, lets PKIX path building search (key
     * rollovers give several intermediates one name).
     */
    private Chain chainsToAnchor(X509Certificate cert) {
        if (anchors.isEmpty()) {
            return new Chain(null, "no manufacturer CA configured");
        }
        Date at = Date.from(clock.instant());
        String problem;
        try {
            PKIXParameters params = new PKIXParameters(new HashSet<>(anchors));
            params.setRevocationEnabled(false);
            params.setDate(at);
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(pathByName(cert)), params);
            return new Chain(certificateSha256(result.getTrustAnchor().getTrustedCert()), "");
        } catch (CertPathValidatorException e) {
            problem = "no valid path: " + e.getReason();
        } catch (GeneralSecurityException e) {
            problem = e.getClass().getSimpleName();
        }
        if (intermediates.isEmpty()) {
            return new Chain(null, problem);
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(cert);
            PKIXBuilderParameters params = new PKIXBuilderParameters(new HashSet<>(anchors), target);
            params.setRevocationEnabled(false);
            params.setDate(at);
            params.setMaxPathLength(MAX_INTERMEDIATES);
            List<X509Certificate> pool = new ArrayList<>(intermediates);
            pool.add(cert);
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
            PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
            return new Chain(certificateSha256(result.getTrustAnchor().getTrustedCert()), "");
        } catch (CertPathBuilderException e) {
            return new Chain(null, "no valid path: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            return new Chain(null, e.getClass().getSimpleName());
        }
    }

    /** The EK certificate, then the first intermediate named as each one's issuer, until an anchor's name. */
    private List<X509Certificate> pathByName(X509Certificate cert) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(cert);
        X509Certificate current = cert;
        for (int depth = 0; depth < MAX_INTERMEDIATES; depth++) {
            X500Principal issuer = current.getIssuerX500Principal();
            if (anchors.stream().anyMatch(a -> a.getTrustedCert().getSubjectX500Principal().equals(issuer))) {
                break;
            }
            Optional<X509Certificate> next = intermediates.stream()
                    .filter(i -> i.getSubjectX500Principal().equals(issuer) && !path.contains(i)).findFirst();
            if (next.isEmpty()) {
                break;
            }
            path.add(next.get());
            current = next.get();
        }
        return path;
    }

    /**
     * Lowercase hex SHA-256 of a certificate's DER encoding: how a verdict names the manufacturer CA that vouched for
     * an EK ({@link PendingAttestation#trustedBy()}).
     *
     * @param ca the certificate
     * @return 64 lower-case hex digits
     * @throws java.security.cert.CertificateEncodingException the certificate cannot be encoded
     */
    public static String certificateSha256(X509Certificate ca) throws java.security.cert.CertificateEncodingException {
        return HexFormat.of().formatHex(sha256(ca.getEncoded()));
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * Lowercase hex SHA-256 of a key's SubjectPublicKeyInfo: the EK identity in allow-lists and verdicts.
     *
     * @param ek the endorsement key
     * @return 64 lower-case hex digits
     */
    public static String endorsementKeySha256(PublicKey ek) {
        return HexFormat.of().formatHex(sha256(ek.getEncoded()));
    }

    /** Builds a verifier; trust must come from at least one manufacturer CA or allow-listed EK. */
    public static final class Builder {
        private final List<TrustAnchor> anchors = new ArrayList<>();
        private final List<X509Certificate> intermediates = new ArrayList<>();
        private final Set<String> allowed = new HashSet<>();
        private Predicate<String> allowList = ek -> false;
        private boolean allowListSet;
        private Clock clock = Clock.systemUTC();
        private Duration maxAge = Duration.ofMinutes(5);
        private SecureRandom random = new SecureRandom();

        private Builder() {}

        /**
         * A manufacturer CA: EK certificates that chain to it (directly or through known intermediates) are trusted.
         *
         * @param ca the CA certificate, used as a PKIX trust anchor (revocation is not checked)
         * @return this builder
         */
        public Builder trustManufacturerCa(X509Certificate ca) {
            anchors.add(new TrustAnchor(Objects.requireNonNull(ca, "ca"), null));
            return this;
        }

        /**
         * A manufacturer's intermediate CA, used only to build a path from an EK certificate to a trusted CA (at most
         * four intermediates deep); trusting it takes {@link #trustManufacturerCa}.
         *
         * @param intermediate the intermediate CA certificate
         * @return this builder
         */
        public Builder manufacturerIntermediateCa(X509Certificate intermediate) {
            intermediates.add(Objects.requireNonNull(intermediate, "intermediate"));
            return this;
        }

        /**
         * Trusts one EK by its public key, for TPMs without an EK certificate.
         *
         * @param ek the endorsement key to allow
         * @return this builder
         */
        public Builder allowEndorsementKey(PublicKey ek) {
            allowed.add(endorsementKeySha256(ek));
            return this;
        }

        /**
         * Trusts one EK by the hex SHA-256 of its SubjectPublicKeyInfo.
         *
         * @param sha256Hex 64 hex digits, either case
         * @return this builder
         * @throws IllegalArgumentException not 64 hex digits
         */
        public Builder allowEndorsementKeySha256(String sha256Hex) {
            String h = sha256Hex.toLowerCase(Locale.ROOT);
            if (!h.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("not a SHA-256 in hex: " + sha256Hex);
            }
            allowed.add(h);
            return this;
        }

        /**
         * An allow-list too large to hand over whole (a store's table): asked, with the EK's lowercase hex SHA-256,
         * only for an EK no trusted CA vouches for. It must be thread-safe and must not throw.
         *
         * @param isAllowed whether the EK with this SHA-256 is allow-listed
         * @return this builder
         */
        public Builder endorsementKeyAllowList(Predicate<String> isAllowed) {
            this.allowList = Objects.requireNonNull(isAllowed, "isAllowed");
            this.allowListSet = true;
            return this;
        }

        /**
         * The clock that stamps challenges and judges their age; the system UTC clock by default.
         *
         * @param clock the clock, not null
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long a challenge may stay unanswered; 5 minutes by default.
         *
         * @param maxAge positive, at most one hour
         * @return this builder
         * @throws IllegalArgumentException zero, negative or over an hour
         */
        public Builder maxAge(Duration maxAge) {
            if (maxAge.isNegative() || maxAge.isZero() || maxAge.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("maxAge must be positive and at most an hour: " + maxAge);
            }
            this.maxAge = maxAge;
            return this;
        }

        /**
         * The source of nonces and credential secrets; a new {@code SecureRandom} by default.
         *
         * @param random the generator, not null
         * @return this builder
         */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Builds the verifier. It is thread-safe; the builder may be reused.
         *
         * @return a verifier with this trust
         * @throws IllegalStateException no manufacturer CA, no allow-listed EK and no allow-list
         */
        public AttestationVerifier build() {
            if (anchors.isEmpty() && allowed.isEmpty() && !allowListSet) {
                throw new IllegalStateException("no manufacturer CA and no allow-listed EK: nothing could be attested");
            }
            return new AttestationVerifier(this);
        }
    }
}
