package com.heartbeatrm.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The networks agents may enroll from: a non-empty set of CIDRs. {@link #ANY} allows every address. */
public final class NetworkAllowList {
    /** The most networks one list may hold. */
    public static final int MAX_ENTRIES = 256;
    /** Every IPv4 and IPv6 address. */
    public static final NetworkAllowList ANY = new NetworkAllowList(List.of(Cidr.ANY_IPV4, Cidr.ANY_IPV6));

    private final List<Cidr> cidrs;

    private NetworkAllowList(List<Cidr> sorted) {
        this.cidrs = sorted;
    }

    /**
     * A list of these networks; duplicates are dropped and the order is made canonical (IPv4 first, by address).
     *
     * @param cidrs 1 to {@link #MAX_ENTRIES} networks
     * @return the list
     * @throws InvalidInputException when the list is null, empty or too long
     */
    public static NetworkAllowList of(List<Cidr> cidrs) {
        if (cidrs == null || cidrs.isEmpty()) {
            throw new InvalidInputException("allowedNetworks", "must name at least one network");
        }
        if (cidrs.size() > MAX_ENTRIES) {
            throw new InvalidInputException("allowedNetworks", "more than " + MAX_ENTRIES + " networks");
        }
        Set<Cidr> unique = new LinkedHashSet<>(cidrs);
        List<Cidr> sorted = new ArrayList<>(unique);
        sorted.sort(Comparator.comparing(Cidr::isIpv6).thenComparing(Cidr::networkNumber).thenComparing(Cidr::prefixLength));
        return new NetworkAllowList(List.copyOf(sorted));
    }

    /**
     * Parses a comma-separated list such as {@code "10.0.0.0/8, 2001:db8::/32"}; {@code "any"} is {@link #ANY}.
     *
     * @param text the list, as {@link #toString} writes it
     * @return the list
     * @throws InvalidInputException when an entry is not a CIDR or there are too many
     */
    public static NetworkAllowList parse(String text) {
        if (text == null) {
            throw new InvalidInputException("allowedNetworks", "must not be null");
        }
        if (text.strip().equalsIgnoreCase("any")) {
            return ANY;
        }
        if (text.length() > MAX_ENTRIES * 48) {
            throw new InvalidInputException("allowedNetworks", "too long");
        }
        List<Cidr> list = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            list.add(Cidr.parse(part));
        }
        return of(list);
    }

    /**
     * The networks, in canonical order.
     *
     * @return an unmodifiable list
     */
    public List<Cidr> cidrs() {
        return cidrs;
    }

    /**
     * Whether an agent at {@code address} may enroll.
     *
     * @param address the source address of the request
     * @return true when a network of the list contains it
     */
    public boolean allows(InetAddress address) {
        for (Cidr c : cidrs) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when every network of {@code other} lies inside a network of this list (other is narrower or equal).
     *
     * @param other the list to compare
     * @return whether this list covers it
     */
    public boolean covers(NetworkAllowList other) {
        for (Cidr o : other.cidrs) {
            boolean inside = false;
            for (Cidr c : cidrs) {
                if (c.contains(o)) {
                    inside = true;
                    break;
                }
            }
            if (!inside) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkAllowList n && n.cidrs.equals(cidrs);
    }

    @Override
    public int hashCode() {
        return cidrs.hashCode();
    }

    /** The text form {@link #parse} accepts: {@code any} or the comma-separated canonical CIDRs. */
    @Override
    public String toString() {
        if (equals(ANY)) {
            return "any";
        }
        StringBuilder b = new StringBuilder();
        for (Cidr c : cidrs) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(c);
        }
        return b.toString();
    }
}
