package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.AccessKeyId;
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
 */
final class ThrottleBuckets {
    private ThrottleBuckets() {
    }

    static String enrollFrom(InetAddress address) {
        return "enroll:" + address.getHostAddress();
    }

    static String renewFrom(InetAddress address) {
        return "renew:" + address.getHostAddress();
    }

    static String keyFrom(AccessKeyId key, InetAddress address) {
        return keyPrefix(key) + address.getHostAddress();
    }

    static String keyPrefix(AccessKeyId key) {
        return "key:" + key.value() + "@";
    }

    /** The source address of a {@code key:KEY@ADDRESS} bucket. */
    static String addressOf(String keyBucket) {
        return keyBucket.substring(keyBucket.indexOf('@') + 1);
    }
}
