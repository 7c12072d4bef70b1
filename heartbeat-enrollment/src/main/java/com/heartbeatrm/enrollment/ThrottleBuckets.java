package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.AccessKeyId;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The throttle buckets, so that what a request sends can only ever slow down its own kind of request:
 * <ul>
 * <li>{@code enroll:ADDRESS} counts enrollments from an address that failed before their token verified (garbage,
 * forged or unknown installers). While it is blocked, only such requests are refused: an agent with a genuine
 * installer behind the same address (a whole site behind one NAT) is never stopped by it.</li>
 * <li>{@code key:KEY@ADDRESS} counts suspect failures with a genuine installer (bad proof, replay, clock,
 * network, platform) from one address. Its block stops that key from that address only, so an attacker outside a
 * key's allowed networks can never block agents inside them.</li>
 * <li>{@code renew:ADDRESS} counts renewals that did not prove an agent's identity. An agent that proves its
 * identity is never stopped by it, nor by anything enrollment counts.</li>
 * </ul>
 * A source is an IPv4 address, or an IPv6 /64: one IPv6 subscriber gets a whole /64, so counting its addresses
 * apart would give it as many fresh buckets as it likes.
 */
final class ThrottleBuckets {
    private ThrottleBuckets() {
    }

    static String enrollFrom(InetAddress address) {
        return "enroll:" + source(address);
    }

    static String renewFrom(InetAddress address) {
        return "renew:" + source(address);
    }

    static String keyFrom(AccessKeyId key, InetAddress address) {
        return keyPrefix(key) + source(address);
    }

    /** The source a request counts against: its IPv4 address, or its IPv6 /64 ({@code 2001:db8:1:2::/64}). */
    static String source(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] a = address.getAddress();
            StringBuilder b = new StringBuilder(24);
            for (int i = 0; i < 8; i += 2) {
                b.append(Integer.toHexString(((a[i] & 0xff) << 8) | (a[i + 1] & 0xff))).append(':');
            }
            return b.append(":/64").toString();
        }
        return address.getHostAddress();
    }

    static String keyPrefix(AccessKeyId key) {
        return "key:" + key.value() + "@";
    }

    /** The source address of a {@code key:KEY@ADDRESS} bucket. */
    static String addressOf(String keyBucket) {
        return keyBucket.substring(keyBucket.indexOf('@') + 1);
    }
}
