package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.TextForms;
import com.heartbeatrm.protocol.Base64Url;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A TLS public-key pin: the SHA-256 of a server key's DER SubjectPublicKeyInfo, in base64url without padding
 * (43 characters). It is what {@code openssl x509 -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256}
 * prints, re-encoded. Enrollment tokens carry pins; the agent's {@code EnrollmentClient} accepts a server only if the key of its
 * certificate has one of them.
 */
public final class TlsPin {

    private TlsPin() {
    }

    /**
     * The pin of a public key.
     *
     * @param key the server's public key
     * @return the pin
     */
    public static String of(PublicKey key) {
        Objects.requireNonNull(key, "key");
        byte[] spki = key.getEncoded();
        if (spki == null) {
            throw new IllegalArgumentException("the key has no X.509 (SubjectPublicKeyInfo) encoding");
        }
        return ofSpki(spki);
    }

    /**
     * The pin of a certificate's public key.
     *
     * @param certificate the server's certificate
     * @return the pin of its public key
     */
    public static String of(X509Certificate certificate) {
        return of(Objects.requireNonNull(certificate, "certificate").getPublicKey());
    }

    /**
     * The pin of a DER SubjectPublicKeyInfo.
     *
     * @param spki a DER SubjectPublicKeyInfo
     * @return the pin
     */
    public static String ofSpki(byte[] spki) {
        try {
            return Base64Url.encode(MessageDigest.getInstance("SHA-256").digest(Objects.requireNonNull(spki, "spki")));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * True for 43 characters of canonical base64url that encode 32 bytes.
     *
     * @param pin the text, may be null
     * @return whether it has a pin's form
     */
    public static boolean isWellFormed(String pin) {
        // [A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]: the last character leaves the unused low bits zero.
        return pin != null && TextForms.isBase64Url(pin, 0, 43, "AEIMQUYcgkosw048");
    }
}
