package com.heartbeatrm.enrollment.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The smallest X.509 certificate the JDK's PKCS#11 key store needs to keep a private key as a token object: self
 * signed, ECDSA with SHA-256, subject {@code CN=<label>}. Nothing verifies it; the deployment's store holds the public
 * key that counts, and the certificate only carries the key's public half on the token.
 */
public final class SelfSignedCertificate {
    private static final byte[] ECDSA_WITH_SHA256 = {0x30, 0x0a, 0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
    private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};
    private static final DateTimeFormatter GENERALIZED = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private SelfSignedCertificate() {
    }

    /** Signs with {@code signer} (an ECDSA P-256 key, on the token) a certificate for {@code publicKey}. */
    public static X509Certificate create(String label, PublicKey publicKey, PrivateKey signer, java.security.Provider provider,
            Instant notBefore) throws GeneralSecurityException {
        byte[] name = der(0x30, der(0x31, der(0x30, COMMON_NAME, der(0x0c, label.getBytes(StandardCharsets.UTF_8)))));
        byte[] validity = der(0x30, time(notBefore), der(0x18, "99991231235959Z".getBytes(StandardCharsets.US_ASCII)));
        byte[] tbs = der(0x30,
                der(0xa0, der(0x02, new byte[] {2})),
                der(0x02, BigInteger.valueOf(notBefore.getEpochSecond()).toByteArray()),
                ECDSA_WITH_SHA256, name, validity, name, publicKey.getEncoded());
        Signature s = Signature.getInstance("SHA256withECDSA", provider);
        s.initSign(signer);
        s.update(tbs);
        byte[] signature = s.sign();
        byte[] bitString = new byte[signature.length + 1];
        System.arraycopy(signature, 0, bitString, 1, signature.length);
        byte[] cert = der(0x30, tbs, ECDSA_WITH_SHA256, der(0x03, bitString));
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(cert));
    }

    private static byte[] time(Instant t) {
        return der(0x18, GENERALIZED.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        int len = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len & 0xff);
        }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
