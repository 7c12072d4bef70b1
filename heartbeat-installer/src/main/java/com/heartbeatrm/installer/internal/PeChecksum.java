package com.heartbeatrm.installer.internal;

/**
 * The PE image checksum (CheckSumMappedFile's algorithm): little-endian 16-bit words summed with end-around
 * carry, the checksum field itself counted as zero, plus the file length. Incremental, so the unchanged prefix
 * of a base installer is summed once and each tagged tail is added to a copy.
 */
public final class PeChecksum implements Cloneable {
    private final long checksumFieldOffset;
    private final long zeroedFieldOffset;
    private long sum;
    private long position;
    private int pendingLow = -1;

    /**
     * @param zeroedFieldOffset another 4-byte field summed as zero here and added later with {@link #addDword}
     *                          (the security directory size, which changes with every tag)
     */
    public PeChecksum(long checksumFieldOffset, long zeroedFieldOffset) {
        this.checksumFieldOffset = checksumFieldOffset;
        this.zeroedFieldOffset = zeroedFieldOffset;
    }

    /** Adds a 4-byte little-endian value as two words (the sum does not depend on order). */
    public void addDword(long value) {
        sum += value & 0xffff;
        sum = (sum & 0xffff) + (sum >>> 16);
        sum += (value >>> 16) & 0xffff;
        sum = (sum & 0xffff) + (sum >>> 16);
    }

    public void update(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xff;
            long p = position + i;
            if ((p >= checksumFieldOffset && p < checksumFieldOffset + 4) || (p >= zeroedFieldOffset && p < zeroedFieldOffset + 4)) {
                v = 0;
            }
            if (pendingLow < 0) {
                pendingLow = v;
            } else {
                sum += pendingLow | (v << 8);
                sum = (sum & 0xffff) + (sum >>> 16);
                pendingLow = -1;
            }
        }
        position += len;
    }

    public long value() {
        long s = sum;
        if (pendingLow >= 0) {
            s += pendingLow;
            s = (s & 0xffff) + (s >>> 16);
        }
        s = (s & 0xffff) + (s >>> 16);
        return (s + position) & 0xffffffffL;
    }

    @Override
    public PeChecksum clone() {
        try {
            return (PeChecksum) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }
}
