package com.heartbeatrm.installer.internal;

import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Windows PE file with an Authenticode signature, read by structure.
 *
 * <h2>Design</h2>
 * The Authenticode hash covers the file except the checksum field, the security directory entry and the
 * certificate table itself, so the table can change without breaking the signature. The table must be the
 * last thing in the file; it holds exactly one WIN_CERTIFICATE (revision 2.0, type PKCS_SIGNED_DATA) whose
 * content is a DER PKCS#7 ContentInfo followed only by zero padding to 8 bytes (counted in dwLength, as signers
 * write it). To tag, we add a certificate carrying the
 * token to the SignedData {@code certificates} set (replacing an earlier tag), re-encode the enclosing lengths,
 * rewrite the WIN_CERTIFICATE length, its padding and the security directory size, and recompute the PE
 * checksum. Nothing is appended after the DER inside WIN_CERTIFICATE (that is what Windows' certificate padding
 * check, CVE-2013-3900, refuses). Only the headers and the table are read: a tagged 1 GiB installer is read in
 * a few kilobytes.
 */
public final class PeFile {
    /** The largest certificate table we read; real ones are a few kilobytes. */
    public static final int MAX_TABLE = 1 << 20;
    private static final int HEADER_READ = 4096;

    /** Where things are, as read from the headers. */
    public record Layout(long fileSize, int checksumOffset, int securityEntryOffset, long tableOffset, int tableSize, byte[] table) {
    }

    private PeFile() {
    }

    /** True when the file starts like a DOS/PE image ("MZ"); {@link #layout} then checks the rest strictly. */
    public static boolean looksLikePe(FileChannel ch) throws IOException {
        return ch.size() >= 0x40 && read(ch, 0, 2).getShort(0) == 0x5a4d;
    }

    /** Parses headers and the certificate table; empty when the PE has no security directory (unsigned). */
    public static Optional<Layout> layout(FileChannel ch) throws IOException, InstallerException {
        long size = ch.size();
        ByteBuffer head = read(ch, 0, (int) Math.min(HEADER_READ, size));
        long lfanew = head.getInt(0x3c) & 0xffffffffL;
        if (lfanew < 0x40 || lfanew % 8 != 0 || lfanew + 24 > Math.min(size, HEADER_READ)) {
            throw new InstallerException(Reason.BAD_PE, "e_lfanew out of range or misaligned");
        }
        if (head.getInt((int) lfanew) != 0x00004550) {
            throw new InstallerException(Reason.BAD_PE, "no PE signature at e_lfanew");
        }
        int coff = (int) lfanew + 4;
        int optionalSize = head.getShort(coff + 16) & 0xffff;
        int opt = coff + 20;
        if (opt + optionalSize > head.limit() || optionalSize < 96) {
            throw new InstallerException(Reason.BAD_PE, "optional header out of range");
        }
        int magic = head.getShort(opt) & 0xffff;
        int dirsStart;
        int countOffset;
        if (magic == 0x10b) {
            countOffset = opt + 92;
            dirsStart = opt + 96;
        } else if (magic == 0x20b) {
            countOffset = opt + 108;
            dirsStart = opt + 112;
        } else {
            throw new InstallerException(Reason.BAD_PE, "unknown optional-header magic");
        }
        long dirCount = head.getInt(countOffset) & 0xffffffffL;
        if (dirCount > 16 || dirsStart + dirCount * 8 > opt + optionalSize) {
            throw new InstallerException(Reason.BAD_PE, "data-directory count out of range");
        }
        if (dirCount < 5) {
            return Optional.empty();
        }
        int securityEntry = dirsStart + 4 * 8;
        long tableOffset = head.getInt(securityEntry) & 0xffffffffL;
        long tableSize = head.getInt(securityEntry + 4) & 0xffffffffL;
        if (tableOffset == 0 && tableSize == 0) {
            return Optional.empty();
        }
        if (tableSize < 8 || tableSize > MAX_TABLE) {
            throw new InstallerException(Reason.BAD_PE, "security directory size out of range");
        }
        if (tableOffset % 8 != 0 || tableOffset < opt + optionalSize) {
            throw new InstallerException(Reason.BAD_PE, "certificate table misaligned or overlapping the headers");
        }
        if (tableOffset + tableSize != size) {
            throw new InstallerException(tableOffset + tableSize > size ? Reason.TRUNCATED : Reason.BAD_PE,
                    "the certificate table is not at the end of the file");
        }
        byte[] table = new byte[(int) tableSize];
        read(ch, tableOffset, table.length).get(table);
        return Optional.of(new Layout(size, opt + 64, securityEntry, tableOffset, (int) tableSize, table));
    }

    /** The one WIN_CERTIFICATE's DER content: checks revision, type, length, DER and zero padding. */
    public static Der.Element signedData(byte[] table) throws InstallerException {
        ByteBuffer t = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        long length = t.getInt(0) & 0xffffffffL;
        int revision = t.getShort(4) & 0xffff;
        int type = t.getShort(6) & 0xffff;
        if (revision != 0x0200 || type != 0x0002) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "WIN_CERTIFICATE is not revision 2.0 PKCS_SIGNED_DATA");
        }
        if (length < 8 || length > table.length) {
            throw new InstallerException(Reason.BAD_LENGTH, "WIN_CERTIFICATE length out of range");
        }
        long padded = (length + 7) & ~7L;
        if (padded != table.length) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "more than one certificate entry, or a wrong table size");
        }
        Der.Element content = Der.parseTree(table, 8, (int) length);
        // Signers (signtool, osslsigncode) count the 8-byte alignment padding in dwLength. Only that is allowed after
        // the DER: fewer than 8 bytes, all zero. More is appended data, which Windows' padding check
        // (CVE-2013-3900) refuses, and so do we.
        if (table.length - content.end() >= 8) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "bytes after the DER signature inside WIN_CERTIFICATE");
        }
        for (int i = content.end(); i < table.length; i++) {
            if (table[i] != 0) {
                throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "non-zero padding after the signature");
            }
        }
        return content;
    }

    /** The path to the SignedData certificates set: ContentInfo → [0] → SignedData → [0] IMPLICIT certificates. */
    public record CertificateSet(Der.Element contentInfo, Der.Element explicit, Der.Element signedData, Der.Element certificates,
            List<Der.Element> certs) {
    }

    public static CertificateSet certificates(byte[] table, Der.Element contentInfo) throws InstallerException {
        List<Der.Element> ci = Der.children(table, contentInfo);
        if (contentInfo.tag() != Der.SEQUENCE || ci.size() != 2 || ci.get(0).tag() != Der.OID || ci.get(1).tag() != 0xa0) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "not a PKCS#7 ContentInfo");
        }
        Der.Element sd = Der.read(table, ci.get(1).contentStart(), ci.get(1).end());
        if (sd.tag() != Der.SEQUENCE || sd.end() != ci.get(1).end()) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "not a SignedData");
        }
        for (Der.Element field : Der.children(table, sd)) {
            if (field.tag() == 0xa0) {
                List<Der.Element> certs = new ArrayList<>(Der.children(table, field));
                return new CertificateSet(contentInfo, ci.get(1), sd, field, certs);
            }
        }
        throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "SignedData has no certificate set");
    }

    /** Our token, if one of the certificates carries it; two carriers are refused. */
    public static Optional<String> token(byte[] table) throws InstallerException {
        CertificateSet set = certificates(table, signedData(table));
        String found = null;
        for (Der.Element c : set.certs()) {
            Optional<String> t = TagCertificate.tokenOf(table, c);
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
     * A new certificate table: the old certificates minus any earlier tag, plus a tag carrying {@code token};
     * enclosing DER lengths re-encoded, WIN_CERTIFICATE length and zero padding to 8 bytes.
     */
    public static byte[] taggedTable(byte[] table, String token) throws InstallerException {
        Der.Element content = signedData(table);
        CertificateSet set = certificates(table, content);
        ByteArrayOutputStream certs = new ByteArrayOutputStream();
        for (Der.Element c : set.certs()) {
            if (TagCertificate.tokenOf(table, c).isEmpty()) {
                certs.write(table, c.start(), c.end() - c.start());
            }
        }
        certs.writeBytes(TagCertificate.build(token));
        byte[] newSet = Der.tlv(0xa0, certs.toByteArray());
        byte[] newSignedData = Der.tlv(Der.SEQUENCE, splice(table, set.signedData(), set.certificates(), newSet));
        byte[] newExplicit = Der.tlv(0xa0, newSignedData);
        byte[] newContentInfo = Der.tlv(Der.SEQUENCE, splice(table, set.contentInfo(), set.explicit(), newExplicit));
        int length = 8 + newContentInfo.length;
        int padded = (length + 7) & ~7;
        ByteBuffer out = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        // dwLength counts the zero alignment padding, as signtool and osslsigncode write it.
        out.putInt(padded).putShort((short) 0x0200).putShort((short) 0x0002).put(newContentInfo);
        return out.array();
    }

    /** The content of {@code parent} with its child {@code old} replaced by {@code replacement}. */
    private static byte[] splice(byte[] b, Der.Element parent, Der.Element old, byte[] replacement) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, parent.contentStart(), old.start() - parent.contentStart());
        out.writeBytes(replacement);
        out.write(b, old.end(), parent.end() - old.end());
        return out.toByteArray();
    }

    /** The first {@code length} bytes of the file (the headers up to the security directory entry). */
    public static ByteBuffer readHeader(FileChannel ch, int length) throws IOException {
        return read(ch, 0, length);
    }

    static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                break;
            }
        }
        buf.flip();
        return buf;
    }
}
