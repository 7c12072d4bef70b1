package com.heartbeatrm.installer.internal;

import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The carrier of a token inside an Authenticode signature: a minimal X.509 v3 certificate added to the PKCS#7
 * SignedData certificate set (the approach Google's Omaha installer tagging uses). The certificate signs nothing
 * and chains to nothing; Windows and OpenSSL parse and ignore it. The token sits, as its own ASCII text, in a
 * non-critical extension under an OID of our own (a UUID OID, {@code 2.25.…}, so it cannot collide).
 */
public final class TagCertificate {
    /** 2.25 + the decimal value of UUID 8f4a3b0e-7c55-4d1e-9a6b-3f2d1c0b9e87. */
    public static final String OID = "2.25.190393745108271426843812963612001263239";
    private static final byte[] OID_DER = Der.oid(OID);
    private static final byte[] ED25519 = Der.seq(Der.SEQUENCE, Der.oid("1.3.101.112"));
    private static final SecureRandom RANDOM = new SecureRandom();

    private TagCertificate() {
    }

    /** 2.25 + another UUID: an extension of zero bytes that only makes a signature long enough (see {@link Pkcs7Tag#retag}). */
    public static final String PADDING_OID = "2.25.266081932924585962066455934232411408123";
    private static final byte[] PADDING_OID_DER = Der.oid(PADDING_OID);

    /** DER of a certificate carrying {@code token}, with {@code padding} zero bytes in a padding extension when positive. */
    public static byte[] build(String token, int padding) {
        byte[] serial = new byte[16];
        RANDOM.nextBytes(serial);
        serial[0] &= 0x7f;
        serial[0] |= 0x40;
        byte[] name = Der.seq(Der.SEQUENCE, Der.seq(Der.SET, Der.seq(Der.SEQUENCE, Der.oid("2.5.4.3"),
                Der.tlv(Der.UTF8_STRING, "HeartbeatRM enrollment tag".getBytes(StandardCharsets.US_ASCII)))));
        byte[] validity = Der.seq(Der.SEQUENCE, Der.tlv(Der.UTC_TIME, "250101000000Z".getBytes(StandardCharsets.US_ASCII)),
                Der.tlv(Der.UTC_TIME, "491231235959Z".getBytes(StandardCharsets.US_ASCII)));
        byte[] spki = Der.seq(Der.SEQUENCE, ED25519, Der.tlv(Der.BIT_STRING, withLeadingZero(new byte[32])));
        byte[] extension = Der.seq(Der.SEQUENCE, OID_DER, Der.tlv(Der.OCTET_STRING, token.getBytes(StandardCharsets.US_ASCII)));
        byte[] extensions = padding > 0
                ? Der.seq(0xa3, Der.seq(Der.SEQUENCE, extension, Der.seq(Der.SEQUENCE, PADDING_OID_DER, Der.tlv(Der.OCTET_STRING, new byte[padding]))))
                : Der.seq(0xa3, Der.seq(Der.SEQUENCE, extension));
        byte[] tbs = Der.seq(Der.SEQUENCE, Der.seq(0xa0, Der.tlv(Der.INTEGER, new byte[] {2})), Der.tlv(Der.INTEGER, serial), ED25519,
                name, validity, name, spki, extensions);
        return Der.seq(Der.SEQUENCE, tbs, ED25519, Der.tlv(Der.BIT_STRING, withLeadingZero(new byte[64])));
    }

    private static byte[] withLeadingZero(byte[] b) {
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    /**
     * The token a certificate carries, if it is one of ours: a certificate whose extensions include our OID.
     * Other certificates (the signer's chain) yield empty.
     */
    public static Optional<String> tokenOf(byte[] b, Der.Element cert) throws InstallerException {
        List<Der.Element> parts = Der.children(b, cert);
        if (parts.isEmpty() || parts.get(0).tag() != Der.SEQUENCE) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "certificate is not a SEQUENCE of tbsCertificate ...");
        }
        for (Der.Element field : Der.children(b, parts.get(0))) {
            if (field.tag() != 0xa3) {
                continue;
            }
            Der.Element exts = Der.read(b, field.contentStart(), field.end());
            String found = null;
            for (Der.Element ext : Der.children(b, exts)) {
                List<Der.Element> e = Der.children(b, ext);
                if (e.isEmpty() || e.get(0).tag() != Der.OID) {
                    throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "extension without an OID");
                }
                if (Arrays.equals(Arrays.copyOfRange(b, e.get(0).start(), e.get(0).end()), OID_DER)) {
                    Der.Element value = e.get(e.size() - 1);
                    if (value.tag() != Der.OCTET_STRING || found != null) {
                        throw new InstallerException(Reason.AMBIGUOUS_TAG, "malformed or repeated tag extension");
                    }
                    found = new String(Der.content(b, value), StandardCharsets.ISO_8859_1);
                }
            }
            return Optional.ofNullable(found);
        }
        return Optional.empty();
    }
}
