package com.heartbeatrm.installer.internal;

import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
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

    /** Our token, if the signature carries one (see {@link Pkcs7Tag}). */
    public static Optional<String> token(byte[] table) throws InstallerException {
        return Pkcs7Tag.token(table, signedData(table));
    }

    /**
     * A new certificate table: the signature retagged with {@code token} ({@link Pkcs7Tag}), in one WIN_CERTIFICATE
     * whose length and zero padding to 8 bytes are rewritten.
     */
    public static byte[] taggedTable(byte[] table, String token) throws InstallerException {
        byte[] newContentInfo = Pkcs7Tag.retag(table, signedData(table), token, 0);
        int length = 8 + newContentInfo.length;
        int padded = (length + 7) & ~7;
        ByteBuffer out = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        // dwLength counts the zero alignment padding, as signtool and osslsigncode write it.
        out.putInt(padded).putShort((short) 0x0200).putShort((short) 0x0002).put(newContentInfo);
        return out.array();
    }

    /** The first {@code length} bytes of the file (the headers up to the security directory entry). */
    public static ByteBuffer readHeader(FileChannel ch, int length) throws IOException {
        return read(ch, 0, length);
    }

    public static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
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
