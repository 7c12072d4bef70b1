package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.Sha256Hex;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * A TPM manufacturer CA an organization trusts: an endorsement key certificate that chains to it admits the TPM.
 * Immutable; built only from a certificate that parses as X.509 and is a CA (basic constraints {@code cA}, and
 * {@code keyCertSign} when it has a key usage). Whether it is still valid is a question of time, asked by
 * {@link #checkValidAt(Instant)}.
 */
public final class TrustedCa {
    /** The largest certificate accepted, PEM or DER, in bytes. */
    public static final int MAX_CERTIFICATE_BYTES = 16 * 1024;
    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";
    private static final int KEY_CERT_SIGN = 5;

    private final byte[] der;
    private final X509Certificate certificate;
    private final String fingerprint;
    private final Instant addedAt;
    private final Actor addedBy;

    private TrustedCa(byte[] der, X509Certificate certificate, Instant addedAt, Actor addedBy) {
        this.der = der;
        this.certificate = certificate;
        this.fingerprint = Sha256Hex.of(der);
        this.addedAt = addedAt;
        this.addedBy = addedBy;
    }

    /**
     * Parses a CA certificate, PEM (one {@code CERTIFICATE} block) or DER.
     *
     * @param pemOrDer the certificate, at most {@link #MAX_CERTIFICATE_BYTES} bytes
     * @param addedAt  when the organization began to trust it
     * @param addedBy  who made it trust it
     * @return the trusted CA
     * @throws InvalidInputException when the bytes are not one X.509 certificate, or it is not a CA certificate
     */
    public static TrustedCa parse(byte[] pemOrDer, Instant addedAt, Actor addedBy) {
        Objects.requireNonNull(pemOrDer, "certificate");
        Timestamps.check("addedAt", addedAt);
        Objects.requireNonNull(addedBy, "addedBy");
        if (pemOrDer.length == 0 || pemOrDer.length > MAX_CERTIFICATE_BYTES) {
            throw new InvalidInputException("certificate", "must be 1 to " + MAX_CERTIFICATE_BYTES + " bytes");
        }
        byte[] der = pemOrDer[0] == 0x30 ? pemOrDer.clone() : fromPem(pemOrDer);
        X509Certificate cert;
        try {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException | IllegalArgumentException e) {
            throw new InvalidInputException("certificate", "is not an X.509 certificate");
        }
        try {
            if (!Arrays.equals(cert.getEncoded(), der)) {
                throw new InvalidInputException("certificate", "has bytes after the certificate or is not in DER");
            }
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new InvalidInputException("certificate", "is not an X.509 certificate");
        }
        if (cert.getBasicConstraints() < 0) {
            throw new InvalidInputException("certificate", "is not a CA certificate (basic constraints without cA)");
        }
        boolean[] usage = cert.getKeyUsage();
        if (usage != null && (usage.length <= KEY_CERT_SIGN || !usage[KEY_CERT_SIGN])) {
            throw new InvalidInputException("certificate", "is not a CA certificate (its key usage lacks keyCertSign)");
        }
        return new TrustedCa(der, cert, addedAt, addedBy);
    }

    private static byte[] fromPem(byte[] pem) {
        String text = new String(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin || text.indexOf(BEGIN, begin + 1) >= 0) {
            throw new InvalidInputException("certificate", "must be DER or PEM with exactly one CERTIFICATE block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end).strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("certificate", "PEM block is not base64");
        }
    }

    /**
     * Refuses a CA certificate that is not valid at {@code at}: an organization does not begin to trust an expired CA.
     *
     * @param at the instant to check
     * @return this
     * @throws InvalidInputException when the certificate has expired or is not valid yet at {@code at}
     */
    public TrustedCa checkValidAt(Instant at) {
        if (at.isAfter(notAfter())) {
            throw new InvalidInputException("certificate", "expired at " + notAfter());
        }
        if (at.isBefore(certificate.getNotBefore().toInstant())) {
            throw new InvalidInputException("certificate", "is not valid before " + certificate.getNotBefore().toInstant());
        }
        return this;
    }

    /**
     * SHA-256 of the certificate's DER, lower-case hex: how the admin API, the CLI and agents' records name the CA.
     *
     * @return 64 lower-case hex characters
     */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * The certificate's subject, RFC 2253.
     *
     * @return e.g. {@code CN=swtpm-localca,O=Test}
     */
    public String subject() {
        return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    /**
     * When the certificate expires.
     *
     * @return its notAfter
     */
    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /**
     * The certificate, DER.
     *
     * @return a copy
     */
    public byte[] der() {
        return der.clone();
    }

    /**
     * The certificate, parsed.
     *
     * @return the X.509 certificate (immutable)
     */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * When the organization began to trust it.
     *
     * @return the instant it was added
     */
    public Instant addedAt() {
        return addedAt;
    }

    /**
     * Who made the organization trust it.
     *
     * @return the admin
     */
    public Actor addedBy() {
        return addedBy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedCa t && t.fingerprint.equals(fingerprint) && t.addedAt.equals(addedAt) && t.addedBy.equals(addedBy);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    @Override
    public String toString() {
        return "TrustedCa[" + fingerprint + ", " + subject() + ", notAfter=" + notAfter() + "]";
    }
}
