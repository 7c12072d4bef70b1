package com.heartbeatrm.installer.internal;

import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tag inside an Authenticode signature, for every signed format (PE and MSI): a {@link TagCertificate} in the
 * PKCS#7 SignedData {@code certificates} set. Neither format's signature covers that set, so a certificate can be
 * added, replaced or removed without touching what is signed; the SignerInfo bytes stay identical.
 */
public final class Pkcs7Tag {
    private Pkcs7Tag() {
    }

    /** The path to the SignedData certificates set: ContentInfo → [0] → SignedData → [0] IMPLICIT certificates. */
    public record CertificateSet(Der.Element contentInfo, Der.Element explicit, Der.Element signedData, Der.Element certificates,
            List<Der.Element> certs) {
    }

    public static CertificateSet certificates(byte[] b, Der.Element contentInfo) throws InstallerException {
        List<Der.Element> ci = Der.children(b, contentInfo);
        if (contentInfo.tag() != Der.SEQUENCE || ci.size() != 2 || ci.get(0).tag() != Der.OID || ci.get(1).tag() != 0xa0) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "not a PKCS#7 ContentInfo");
        }
        Der.Element sd = Der.read(b, ci.get(1).contentStart(), ci.get(1).end());
        if (sd.tag() != Der.SEQUENCE || sd.end() != ci.get(1).end()) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "not a SignedData");
        }
        for (Der.Element field : Der.children(b, sd)) {
            if (field.tag() == 0xa0) {
                return new CertificateSet(contentInfo, ci.get(1), sd, field, new ArrayList<>(Der.children(b, field)));
            }
        }
        throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "SignedData has no certificate set");
    }

    /** Our token, if one of the certificates carries it; two carriers are refused. */
    public static Optional<String> token(byte[] b, Der.Element contentInfo) throws InstallerException {
        String found = null;
        for (Der.Element c : certificates(b, contentInfo).certs()) {
            Optional<String> t = TagCertificate.tokenOf(b, c);
            if (t.isPresent()) {
                if (found != null) {
                    throw new InstallerException(Reason.AMBIGUOUS_TAG, "two certificates carry a tag");
                }
                found = t.get();
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * A new ContentInfo: the old certificates minus any earlier tag, plus a tag carrying {@code token}, padded so that
     * the result is at least {@code minLength} bytes; the enclosing DER lengths re-encoded, everything else as it was.
     */
    public static byte[] retag(byte[] b, Der.Element contentInfo, String token, int minLength) throws InstallerException {
        CertificateSet set = certificates(b, contentInfo);
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        for (Der.Element c : set.certs()) {
            if (TagCertificate.tokenOf(b, c).isEmpty()) {
                kept.write(b, c.start(), c.end() - c.start());
            }
        }
        byte[] result = assemble(b, set, kept.toByteArray(), TagCertificate.build(token, 0));
        if (result.length < minLength) {
            // Grow the tag certificate's padding until the whole reaches the minimum (DER lengths may grow a byte or two).
            int pad = minLength - result.length;
            do {
                result = assemble(b, set, kept.toByteArray(), TagCertificate.build(token, pad));
                pad += Math.max(1, minLength - result.length);
            } while (result.length < minLength);
        }
        return result;
    }

    private static byte[] assemble(byte[] b, CertificateSet set, byte[] keptCerts, byte[] tag) {
        ByteArrayOutputStream certs = new ByteArrayOutputStream();
        certs.writeBytes(keptCerts);
        certs.writeBytes(tag);
        byte[] newSet = Der.tlv(0xa0, certs.toByteArray());
        byte[] newSignedData = Der.tlv(Der.SEQUENCE, splice(b, set.signedData(), set.certificates(), newSet));
        byte[] newExplicit = Der.tlv(0xa0, newSignedData);
        return Der.tlv(Der.SEQUENCE, splice(b, set.contentInfo(), set.explicit(), newExplicit));
    }

    /** The content of {@code parent} in {@code b}, with its child {@code old} replaced by {@code replacement}. */
    public static byte[] splice(byte[] b, Der.Element parent, Der.Element old, byte[] replacement) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, parent.contentStart(), old.start() - parent.contentStart());
        out.writeBytes(replacement);
        out.write(b, old.end(), parent.end() - old.end());
        return out.toByteArray();
    }

    /** The SignerInfos of a ContentInfo, as bytes: what a tag must never change. */
    public static byte[] signerInfos(byte[] b, Der.Element contentInfo) throws InstallerException {
        CertificateSet set = certificates(b, contentInfo);
        List<Der.Element> fields = Der.children(b, set.signedData());
        Der.Element last = fields.get(fields.size() - 1);
        if (last.tag() != Der.SET) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "SignedData does not end with its SignerInfos");
        }
        return java.util.Arrays.copyOfRange(b, last.start(), last.end());
    }
}
