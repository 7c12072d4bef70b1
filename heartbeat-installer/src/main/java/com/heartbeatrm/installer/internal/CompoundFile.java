package com.heartbeatrm.installer.internal;

import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Windows Installer package (an OLE compound file, [MS-CFB]) with an Authenticode signature, read by structure,
 * and the plan that tags it.
 *
 * <h2>Design</h2>
 * An MSI's Authenticode signature lives in the root stream {@code \u0005DigitalSignature}: a DER PKCS#7 ContentInfo.
 * The signed hash covers every other stream and storage (names, contents, CLSIDs), never that stream itself nor
 * the file's layout, so the stream can be rewritten, and moved, without breaking the signature. Tagging, as
 * Omaha does it, adds our tag certificate to the PKCS#7 certificate set ({@link Pkcs7Tag}).
 *
 * <p>The new stream cannot replace the old one in place (it is longer), so:
 * <ol>
 * <li>the old stream's sectors are freed: their FAT entries become FREESECT, or, for a stream that was small enough
 * to live in the mini stream, their mini-FAT entries do (the mini stream's bytes stay, unreferenced);</li>
 * <li>the new stream is written contiguously at the end of the file, after any FAT (and DIFAT) sectors the FAT
 * needs to grow by, and chained in the FAT; a new stream is padded (inside the tag certificate) to at least the
 * mini-stream cutoff of 4096 bytes, so it is always a regular stream and the mini stream never has to grow;</li>
 * <li>the directory entry's starting sector and size, the header's FAT count and DIFAT array (and DIFAT sectors)
 * are rewritten.</li>
 * </ol>
 * Every other sector is copied byte for byte, so every other stream is bit-identical. Re-tagging a file whose
 * signature stream is already the last run of sectors (one we tagged) rewrites that run in place, so the file
 * does not grow with each tag. The output is written as the original bytes with patched sectors substituted, plus
 * the new tail: memory is the FAT (4 bytes per sector) and a handful of sectors, whatever the file size.
 *
 * <p>Parsing is strict and bounded: 512- or 4096-byte sectors (versions 3 and 4), at most 2 GiB (Windows Installer's
 * own limit), every chain followed with a visited set (a loop, a sector past the end, a free sector inside a chain,
 * or a chain shorter or longer than its stream's size is refused), the directory tree walked with a visited set, and
 * the signature stream at most 1 MiB.
 */
public final class CompoundFile {
    static final long MAGIC = 0xe11ab1a1e011cfd0L;
    static final int FREESECT = 0xffffffff;
    static final int ENDOFCHAIN = 0xfffffffe;
    static final int FATSECT = 0xfffffffd;
    static final int DIFSECT = 0xfffffffc;
    static final int MAXREGSECT = 0xfffffffa;
    static final int NOSTREAM = 0xffffffff;
    static final int HEADER_DIFAT = 109;
    static final int ENTRY = 128;
    static final int MINI_SECTOR = 64;
    static final int CUTOFF = 4096;
    /** The least length a tagged signature stream gets: the cutoff, so that it is always a regular stream. */
    public static final int CUTOFF_FOR_TAGS = CUTOFF;
    public static final long MAX_FILE = 2L << 30;
    public static final int MAX_SIGNATURE = 1 << 20;
    static final int MAX_DIRECTORY_ENTRIES = 1 << 16;
    static final String SIGNATURE = "\u0005DigitalSignature";
    /** The root CLSIDs of Windows Installer packages, patches and transforms (GUID {000C108x-0000-0000-C000-000000000046}). */
    private static final byte[][] MSI_CLSIDS = {clsid(0x84), clsid(0x86), clsid(0x82)};

    private static byte[] clsid(int b) {
        return new byte[] {(byte) b, 0x10, 0x0c, 0, 0, 0, 0, 0, (byte) 0xc0, 0, 0, 0, 0, 0, 0, 0x46};
    }

    /** What the file is, as read. Immutable once parsed; shared by every write. */
    public record Layout(long fileSize, int sectorSize, int headerSize, int sectorCount, int[] fat, int[] fatSectors, int[] difatSectors,
            int[] dirChain, int signatureEntry, int signatureStart, long signatureSize, boolean signatureInMini, int[] signatureChain,
            int[] miniFatChain, byte[] signature) {

        int perSector() {
            return sectorSize / 4;
        }

        long offsetOf(int sector) {
            return headerSize + (long) sector * sectorSize;
        }
    }

    private CompoundFile() {
    }

    public static boolean looksLikeCompoundFile(FileChannel ch) throws IOException {
        return ch.size() >= 512 && PeFile.read(ch, 0, 8).getLong(0) == MAGIC;
    }

    /** Parses the file; refuses a compound file that is not a signed Windows Installer package, saying what it is. */
    public static Layout parse(FileChannel ch) throws IOException, InstallerException {
        long size = ch.size();
        if (size > MAX_FILE) {
            throw new InstallerException(Reason.UNSUPPORTED, "an MSI larger than 2 GiB (Windows Installer's own limit)");
        }
        ByteBuffer h = PeFile.read(ch, 0, 512);
        if (h.limit() < 512 || h.getLong(0) != MAGIC) {
            throw new InstallerException(Reason.BAD_MSI, "not a compound file");
        }
        int major = h.getShort(26) & 0xffff;
        int byteOrder = h.getShort(28) & 0xffff;
        int shift = h.getShort(30) & 0xffff;
        int miniShift = h.getShort(32) & 0xffff;
        if (byteOrder != 0xfffe || !((major == 3 && shift == 9) || (major == 4 && shift == 12)) || miniShift != 6) {
            throw new InstallerException(Reason.BAD_MSI, "unsupported compound file version, byte order or sector size");
        }
        int sectorSize = 1 << shift;
        int headerSize = sectorSize;
        if (size < headerSize + sectorSize) {
            throw new InstallerException(Reason.TRUNCATED, "the compound file ends inside its header");
        }
        long sectorsLong = (size - headerSize + sectorSize - 1) / sectorSize;
        int sectorCount = (int) sectorsLong;
        int numFat = h.getInt(44);
        int dirStart = h.getInt(48);
        int cutoff = h.getInt(56);
        int miniFatStart = h.getInt(60);
        int numMiniFat = h.getInt(64);
        int difatStart = h.getInt(68);
        int numDifat = h.getInt(72);
        if (cutoff != CUTOFF) {
            throw new InstallerException(Reason.BAD_MSI, "mini-stream cutoff is not 4096");
        }
        if (numFat < 1 || numFat > sectorCount || numDifat < 0 || numDifat > sectorCount || numMiniFat < 0 || numMiniFat > sectorCount) {
            throw new InstallerException(Reason.BAD_LENGTH, "FAT, DIFAT or mini-FAT sector counts out of range");
        }
        int per = sectorSize / 4;
        // DIFAT: the header's 109 entries, then the DIFAT sector chain (each: per-1 entries and the next sector).
        List<Integer> fatSectors = new ArrayList<>();
        for (int i = 0; i < HEADER_DIFAT && fatSectors.size() < numFat; i++) {
            fatSectors.add(h.getInt(76 + 4 * i));
        }
        List<Integer> difatSectors = new ArrayList<>();
        BitSet seenDifat = new BitSet();
        int next = difatStart;
        while (fatSectors.size() < numFat) {
            if (next < 0 || next >= sectorCount || seenDifat.get(next) || difatSectors.size() >= numDifat) {
                throw new InstallerException(Reason.BAD_MSI, "the DIFAT chain loops, ends early or points past the file");
            }
            seenDifat.set(next);
            difatSectors.add(next);
            ByteBuffer d = sector(ch, headerSize, sectorSize, next);
            for (int i = 0; i < per - 1 && fatSectors.size() < numFat; i++) {
                fatSectors.add(d.getInt(4 * i));
            }
            next = d.getInt(4 * (per - 1));
        }
        BitSet usedAsFat = new BitSet();
        for (int s : fatSectors) {
            if (s < 0 || s >= sectorCount || usedAsFat.get(s)) {
                throw new InstallerException(Reason.BAD_MSI, "a FAT sector number is out of range or repeated");
            }
            usedAsFat.set(s);
        }
        // The FAT, for the sectors that exist (entries past the file's end are not needed, and cannot be trusted).
        int[] fat = new int[sectorCount];
        Arrays.fill(fat, FREESECT);
        for (int i = 0; i < fatSectors.size() && (long) i * per < sectorCount; i++) {
            ByteBuffer f = sector(ch, headerSize, sectorSize, fatSectors.get(i));
            for (int j = 0; j < per && (long) i * per + j < sectorCount; j++) {
                fat[i * per + j] = f.getInt(4 * j);
            }
        }
        // The directory.
        int[] dirChain = chain(fat, dirStart, sectorCount, MAX_DIRECTORY_ENTRIES / (sectorSize / ENTRY) + 1, "directory");
        if (dirChain.length == 0) {
            throw new InstallerException(Reason.BAD_MSI, "the compound file has no directory");
        }
        ByteBuffer dir = ByteBuffer.allocate(dirChain.length * sectorSize).order(ByteOrder.LITTLE_ENDIAN);
        for (int s : dirChain) {
            dir.put(sector(ch, headerSize, sectorSize, s));
        }
        int entries = dir.capacity() / ENTRY;
        if ((dir.get(66) & 0xff) != 5) {
            throw new InstallerException(Reason.BAD_MSI, "the first directory entry is not the root");
        }
        byte[] rootClsid = new byte[16];
        dir.get(80, rootClsid);
        boolean msi = false;
        for (byte[] c : MSI_CLSIDS) {
            msi |= Arrays.equals(c, rootClsid);
        }
        // Walk the root's children (a red-black tree of siblings); a cycle or an out-of-range id is refused.
        int signatureEntry = -1;
        BitSet visited = new BitSet(entries);
        List<Integer> stack = new ArrayList<>();
        int child = dir.getInt(76);
        if (child != NOSTREAM) {
            stack.add(child);
        }
        while (!stack.isEmpty()) {
            int e = stack.remove(stack.size() - 1);
            if (e < 0 || e >= entries || visited.get(e)) {
                throw new InstallerException(Reason.BAD_MSI, "the directory tree has a cycle or points past its end");
            }
            visited.set(e);
            int base = e * ENTRY;
            int type = dir.get(base + 66) & 0xff;
            if (type != 1 && type != 2) {
                throw new InstallerException(Reason.BAD_MSI, "a directory entry in the tree is neither a stream nor a storage");
            }
            if (type == 2 && SIGNATURE.equals(name(dir, base))) {
                if (signatureEntry >= 0) {
                    throw new InstallerException(Reason.AMBIGUOUS_TAG, "two signature streams");
                }
                signatureEntry = e;
            }
            for (int link : new int[] {dir.getInt(base + 68), dir.getInt(base + 72)}) {
                if (link != NOSTREAM) {
                    stack.add(link);
                }
            }
        }
        if (!msi) {
            throw new InstallerException(Reason.UNSUPPORTED, "a compound file that is not a Windows Installer package (MSI); only signed MSIs"
                    + " are tagged");
        }
        if (signatureEntry < 0) {
            throw new InstallerException(Reason.UNSUPPORTED, "an unsigned MSI: sign it first (signtool or osslsigncode), then tag it");
        }
        int sigBase = signatureEntry * ENTRY;
        int sigStart = dir.getInt(sigBase + 116);
        long sigSize = major == 3 ? dir.getInt(sigBase + 120) & 0xffffffffL : dir.getLong(sigBase + 120);
        if (sigSize < 2 || sigSize > MAX_SIGNATURE) {
            throw new InstallerException(Reason.BAD_LENGTH, "the signature stream's size is out of range");
        }
        byte[] signature = new byte[(int) sigSize];
        int[] miniFatChain = chain(fat, miniFatStart, sectorCount, numMiniFat, "mini FAT");
        int[] sigChain;
        boolean inMini = sigSize < CUTOFF;
        if (inMini) {
            // The mini stream: the root entry's regular stream, cut into 64-byte mini sectors, chained by the mini FAT.
            int rootStart = dir.getInt(116);
            long rootSize = major == 3 ? dir.getInt(120) & 0xffffffffL : dir.getLong(120);
            int[] rootChain = chain(fat, rootStart, sectorCount, (int) Math.min(sectorCount, rootSize / sectorSize + 2), "mini stream");
            if (rootSize > (long) rootChain.length * sectorSize) {
                throw new InstallerException(Reason.BAD_MSI, "the mini stream is shorter than its size");
            }
            int miniCount = (int) Math.min((long) miniFatChain.length * per, rootSize / MINI_SECTOR);
            int[] miniFat = new int[miniCount];
            for (int i = 0; i < miniFatChain.length && (long) i * per < miniCount; i++) {
                ByteBuffer f = sector(ch, headerSize, sectorSize, miniFatChain[i]);
                for (int j = 0; j < per && i * per + j < miniCount; j++) {
                    miniFat[i * per + j] = f.getInt(4 * j);
                }
            }
            int needed = (int) ((sigSize + MINI_SECTOR - 1) / MINI_SECTOR);
            sigChain = chain(miniFat, sigStart, miniCount, needed, "signature (mini stream)");
            if (sigChain.length != needed) {
                throw new InstallerException(Reason.BAD_MSI, "the signature stream's chain does not match its size");
            }
            int perContainer = sectorSize / MINI_SECTOR;
            for (int i = 0; i < sigChain.length; i++) {
                int m = sigChain[i];
                int containerSector = rootChain[m / perContainer];
                ByteBuffer s = sector(ch, headerSize, sectorSize, containerSector);
                int from = (m % perContainer) * MINI_SECTOR;
                int n = (int) Math.min(MINI_SECTOR, sigSize - (long) i * MINI_SECTOR);
                s.get(from, signature, i * MINI_SECTOR, n);
            }
        } else {
            int needed = (int) ((sigSize + sectorSize - 1) / sectorSize);
            sigChain = chain(fat, sigStart, sectorCount, needed, "signature");
            if (sigChain.length != needed) {
                throw new InstallerException(Reason.BAD_MSI, "the signature stream's chain does not match its size");
            }
            for (int i = 0; i < sigChain.length; i++) {
                ByteBuffer s = sector(ch, headerSize, sectorSize, sigChain[i]);
                int n = (int) Math.min(sectorSize, sigSize - (long) i * sectorSize);
                s.get(0, signature, i * sectorSize, n);
            }
        }
        Der.Element ci = Der.read(signature, 0, signature.length);
        if (ci.end() != signature.length) {
            throw new InstallerException(Reason.BAD_SIGNATURE_BLOCK, "bytes after the DER signature in the signature stream");
        }
        Pkcs7Tag.certificates(signature, ci);
        return new Layout(size, sectorSize, headerSize, sectorCount, fat, fatSectors.stream().mapToInt(Integer::intValue).toArray(),
                difatSectors.stream().mapToInt(Integer::intValue).toArray(), dirChain, signatureEntry, sigStart, sigSize, inMini, sigChain,
                miniFatChain, signature);
    }

    /** The token in the signature stream, if any. */
    public static Optional<String> token(Layout l) throws InstallerException {
        return Pkcs7Tag.token(l.signature(), Der.read(l.signature(), 0, l.signature().length));
    }

    /** The signature stream as read. */
    public static byte[] signatureBytes(Layout l) {
        return l.signature().clone();
    }

    private static String name(ByteBuffer dir, int base) {
        int len = dir.getShort(base + 64) & 0xffff;
        if (len < 2 || len > 64 || len % 2 != 0) {
            return "";
        }
        byte[] raw = new byte[len - 2];
        dir.get(base, raw);
        return new String(raw, StandardCharsets.UTF_16LE);
    }

    /** A chain from {@code start}, at most {@code max} long; loops, sectors past the end and special values inside are refused. */
    static int[] chain(int[] table, int start, int count, int max, String what) throws InstallerException {
        if (start == ENDOFCHAIN || (start == FREESECT && max == 0)) {
            return new int[0];
        }
        List<Integer> out = new ArrayList<>();
        BitSet seen = new BitSet();
        int s = start;
        while (s != ENDOFCHAIN) {
            if (s < 0 || s >= count || Integer.compareUnsigned(s, MAXREGSECT) > 0) {
                throw new InstallerException(Reason.BAD_MSI, "the " + what + " chain points past the file or at a special sector");
            }
            if (seen.get(s)) {
                throw new InstallerException(Reason.BAD_MSI, "the " + what + " chain loops");
            }
            if (out.size() >= max) {
                throw new InstallerException(Reason.BAD_MSI, "the " + what + " chain is longer than its size allows");
            }
            seen.set(s);
            out.add(s);
            s = table[s];
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static ByteBuffer sector(FileChannel ch, int headerSize, int sectorSize, int s) throws IOException, InstallerException {
        ByteBuffer b = PeFile.read(ch, headerSize + (long) s * sectorSize, sectorSize);
        if (b.limit() < sectorSize) {
            // The last sector may be short in a file that was not padded; read it as zeros beyond the end.
            ByteBuffer full = ByteBuffer.allocate(sectorSize).order(ByteOrder.LITTLE_ENDIAN);
            full.put(b);
            full.clear();
            if (b.limit() == 0) {
                throw new InstallerException(Reason.TRUNCATED, "a sector lies past the end of the file");
            }
            return full;
        }
        return b;
    }

    // ------------------------------------------------------------------------------------------------ writing

    /**
     * How to write the tagged file: the original bytes up to {@code copyUntil} with the {@code patches} (by file
     * offset, each a whole sector or the header) substituted, zero bytes to {@code alignedEnd}, then {@code tail}.
     */
    public record Plan(long copyUntil, long alignedEnd, TreeMap<Long, byte[]> patches, byte[] tail, long outputSize) {
    }

    public static Plan plan(FileChannel ch, Layout l, byte[] newSignature) throws IOException, InstallerException {
        int ss = l.sectorSize();
        int per = l.perSector();
        int k = (newSignature.length + ss - 1) / ss;
        int oldCount = l.sectorCount();
        int[] oldChain = l.signatureChain();
        boolean atEnd = !l.signatureInMini() && oldChain.length > 0 && oldChain[oldChain.length - 1] == oldCount - 1;
        for (int i = 1; atEnd && i < oldChain.length; i++) {
            atEnd = oldChain[i] == oldChain[i - 1] + 1;
        }
        // Where the new stream goes, and how many FAT and DIFAT sectors the FAT must grow by to describe it.
        int numFat = l.fatSectors().length;
        int numDifat = l.difatSectors().length;
        int newFat = 0;
        int newDifat = 0;
        int start;
        int total;
        boolean reuse = false;
        if (atEnd && (long) (oldChain[0] + k) <= (long) numFat * per) {
            reuse = true;
            start = oldChain[0];
            total = start + k;
        } else {
            while (true) {
                total = oldCount + newFat + newDifat + k;
                int fatNeeded = (total + per - 1) / per;
                int f = Math.max(0, fatNeeded - numFat);
                int difatCapacity = HEADER_DIFAT + (numDifat + newDifat) * (per - 1);
                int d = newDifat + Math.max(0, (numFat + f - difatCapacity + per - 2) / (per - 1));
                if (f == newFat && d == newDifat) {
                    break;
                }
                newFat = f;
                newDifat = d;
            }
            start = oldCount + newFat + newDifat;
        }
        int[] fat = Arrays.copyOf(l.fat(), Math.max(l.fat().length, total));
        if (fat.length > l.fat().length) {
            Arrays.fill(fat, l.fat().length, fat.length, FREESECT);
        }
        BitSet changed = new BitSet();
        TreeMap<Long, byte[]> patches = new TreeMap<>();
        if (!l.signatureInMini()) {
            for (int s : oldChain) {
                fat[s] = FREESECT;
                changed.set(s);
            }
        } else {
            freeMini(ch, l, patches);
        }
        for (int i = 0; i < newFat; i++) {
            fat[oldCount + i] = FATSECT;
            changed.set(oldCount + i);
        }
        for (int i = 0; i < newDifat; i++) {
            fat[oldCount + newFat + i] = DIFSECT;
            changed.set(oldCount + newFat + i);
        }
        for (int i = 0; i < k; i++) {
            fat[start + i] = i + 1 < k ? start + i + 1 : ENDOFCHAIN;
            changed.set(start + i);
        }
        if (reuse) {
            // The sectors a shorter stream no longer uses are past the new end of the file: free.
            for (int s = total; s < oldCount; s++) {
                fat[s] = FREESECT;
                changed.set(s);
            }
        }
        int[] fatSectors = Arrays.copyOf(l.fatSectors(), numFat + newFat);
        for (int i = 0; i < newFat; i++) {
            fatSectors[numFat + i] = oldCount + i;
        }
        // FAT sectors whose entries changed: existing ones patched from their original bytes, new ones written whole.
        BitSet touched = new BitSet();
        for (int c = changed.nextSetBit(0); c >= 0; c = changed.nextSetBit(c + 1)) {
            touched.set(c / per);
        }
        byte[][] newFatBytes = new byte[newFat][];
        for (int index = 0; index < numFat + newFat; index++) {
            boolean fresh = index >= numFat;
            if (!fresh && !touched.get(index)) {
                continue;
            }
            ByteBuffer b = fresh ? ByteBuffer.allocate(ss).order(ByteOrder.LITTLE_ENDIAN) : sector(ch, l.headerSize(), ss, fatSectors[index]);
            for (int j = 0; j < per; j++) {
                int sIndex = index * per + j;
                if (fresh) {
                    b.putInt(4 * j, sIndex < fat.length ? fat[sIndex] : FREESECT);
                } else if (sIndex < fat.length && changed.get(sIndex)) {
                    b.putInt(4 * j, fat[sIndex]);
                }
            }
            if (fresh) {
                newFatBytes[index - numFat] = b.array();
            } else {
                patches.put(l.offsetOf(fatSectors[index]), b.array());
            }
        }
        // The header (first 512 bytes of the header sector) and the DIFAT.
        ByteBuffer header = PeFile.read(ch, 0, 512).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer h = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        h.put(header);
        h.putInt(44, numFat + newFat);
        for (int i = 0; i < HEADER_DIFAT; i++) {
            h.putInt(76 + 4 * i, i < fatSectors.length ? fatSectors[i] : FREESECT);
        }
        byte[][] newDifatBytes = new byte[newDifat][];
        if (fatSectors.length > HEADER_DIFAT) {
            int[] difat = Arrays.copyOf(l.difatSectors(), numDifat + newDifat);
            for (int i = 0; i < newDifat; i++) {
                difat[numDifat + i] = oldCount + newFat + i;
            }
            h.putInt(68, difat[0]);
            h.putInt(72, difat.length);
            for (int d = 0; d < difat.length; d++) {
                ByteBuffer b = ByteBuffer.allocate(ss).order(ByteOrder.LITTLE_ENDIAN);
                for (int j = 0; j < per - 1; j++) {
                    int idx = HEADER_DIFAT + d * (per - 1) + j;
                    b.putInt(4 * j, idx < fatSectors.length ? fatSectors[idx] : FREESECT);
                }
                b.putInt(4 * (per - 1), d + 1 < difat.length ? difat[d + 1] : ENDOFCHAIN);
                if (d < numDifat) {
                    patches.put(l.offsetOf(difat[d]), b.array());
                } else {
                    newDifatBytes[d - numDifat] = b.array();
                }
            }
        }
        patches.put(0L, h.array());
        // The directory entry: the new starting sector and size.
        int eps = ss / ENTRY;
        int dirSector = l.dirChain()[l.signatureEntry() / eps];
        long dirOffset = l.offsetOf(dirSector);
        ByteBuffer d = ByteBuffer.wrap(patches.containsKey(dirOffset) ? patches.get(dirOffset) : sector(ch, l.headerSize(), ss, dirSector).array())
                .order(ByteOrder.LITTLE_ENDIAN);
        int at = (l.signatureEntry() % eps) * ENTRY;
        d.putInt(at + 116, start);
        d.putLong(at + 120, newSignature.length);
        patches.put(dirOffset, d.array());
        // The tail: new FAT sectors, new DIFAT sectors, then the stream, each sector whole.
        long copyUntil = reuse ? l.offsetOf(start) : l.fileSize();
        long alignedEnd = reuse ? copyUntil : l.offsetOf(oldCount);
        ByteBuffer tail = ByteBuffer.allocate((newFat + newDifat + k) * ss);
        for (byte[] b : newFatBytes) {
            tail.put(b);
        }
        for (byte[] b : newDifatBytes) {
            tail.put(b);
        }
        tail.put(newSignature);
        return new Plan(copyUntil, alignedEnd, patches, tail.array(), alignedEnd + tail.capacity());
    }

    /** Frees the old signature's mini sectors in the mini FAT (patching those mini-FAT sectors). */
    private static void freeMini(FileChannel ch, Layout l, Map<Long, byte[]> patches) throws IOException, InstallerException {
        int per = l.perSector();
        for (int m : l.signatureChain()) {
            int s = l.miniFatChain()[m / per];
            long off = l.offsetOf(s);
            byte[] b = patches.containsKey(off) ? patches.get(off) : sector(ch, l.headerSize(), l.sectorSize(), s).array();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * (m % per), FREESECT);
            patches.put(off, b);
        }
    }
}
