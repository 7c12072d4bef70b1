package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation, e.g. {@code 10.0.0.0/8} or {@code 2001:db8::/32}. Host bits must
 * be zero, so every network has exactly one spelling. Parsing never does a DNS lookup.
 */
public final class Cidr {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]{2,39}");
    /** Every IPv4 address: {@code 0.0.0.0/0}. */
    public static final Cidr ANY_IPV4 = parse("0.0.0.0/0");
    /** Every IPv6 address: {@code ::/0}. */
    public static final Cidr ANY_IPV6 = parse("::/0");

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code address/prefix}; a bare address means a single host (/32 or /128). Never resolves a name.
     *
     * @param text an IPv4 or IPv6 literal with an optional prefix length, at most 64 characters
     * @return the network
     * @throws InvalidInputException when the text is malformed, host bits are set, or it is an IPv4-mapped IPv6 network
     */
    public static Cidr parse(String text) {
        if (text == null) {
            throw new InvalidInputException("cidr", "must not be null");
        }
        String t = text.strip();
        if (t.length() > 64) {
            throw new InvalidInputException("cidr", "too long: " + TextRules.quoteForMessage(t));
        }
        int slash = t.indexOf('/');
        String addressText = slash < 0 ? t : t.substring(0, slash);
        byte[] address = literal(addressText, t);
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (!p.matches("0|[1-9]\\d{0,2}") || Integer.parseInt(p) > max) {
                throw new InvalidInputException("cidr", "prefix length must be 0 to " + max + " in " + TextRules.quoteForMessage(t));
            }
            prefix = Integer.parseInt(p);
        }
        byte[] masked = mask(address, prefix);
        if (!java.util.Arrays.equals(masked, address)) {
            throw new InvalidInputException("cidr", "host bits are set in " + TextRules.quoteForMessage(t)
                    + "; did you mean " + new Cidr(masked, prefix) + "?");
        }
        return new Cidr(masked, prefix);
    }

    private static byte[] literal(String addressText, String whole) {
        boolean v4 = IPV4.matcher(addressText).matches();
        boolean v6 = !v4 && addressText.contains(":") && IPV6.matcher(addressText).matches();
        if (!v4 && !v6) {
            throw new InvalidInputException("cidr", "not an IPv4 or IPv6 network: " + TextRules.quoteForMessage(whole));
        }
        try {
            // Only literals reach this point, so no name resolution happens.
            byte[] bytes = InetAddress.getByName(addressText).getAddress();
            if (v6 && bytes.length == 4) {
                throw new InvalidInputException("cidr", "IPv4-mapped IPv6 networks are not accepted: " + TextRules.quoteForMessage(whole));
            }
            return bytes;
        } catch (UnknownHostException e) {
            throw new InvalidInputException("cidr", "not an IPv4 or IPv6 network: " + TextRules.quoteForMessage(whole));
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff << (8 - bits)));
        }
        return out;
    }

    /**
     * Whether this is an IPv6 network.
     *
     * @return true for IPv6, false for IPv4
     */
    public boolean isIpv6() {
        return network.length == 16;
    }

    /**
     * The number of leading bits that name the network.
     *
     * @return 0 to 32 for IPv4, 0 to 128 for IPv6
     */
    public int prefixLength() {
        return prefixLength;
    }

    /**
     * True when the address lies in this network. An IPv4 address never lies in an IPv6 network.
     *
     * @param address the address to test
     * @return whether it lies in this network
     */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && java.util.Arrays.equals(mask(bytes, prefixLength), network);
    }

    /**
     * True when every address of {@code other} lies in this network.
     *
     * @param other a network of either family
     * @return whether it is this network or a subnetwork of it
     */
    public boolean contains(Cidr other) {
        return other.network.length == network.length && other.prefixLength >= prefixLength
                && java.util.Arrays.equals(mask(other.network, prefixLength), network);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefixLength;
    }

    /** Canonical text, e.g. {@code 10.0.0.0/8}, {@code 2001:db8:0:0:0:0:0:0/32}. */
    @Override
    public String toString() {
        try {
            String host = InetAddress.getByAddress(network).getHostAddress();
            return host + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    BigInteger networkNumber() {
        return new BigInteger(1, network);
    }
}
