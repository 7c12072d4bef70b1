package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.InvalidInputException;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.ThrottleStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The throttles on access keys: which keys are blocked from which source addresses after repeated suspect
 * failures, and lifting them. Each block is an audit event when it starts ({@link AuditAction#KEY_THROTTLED}) and
 * when an admin lifts it ({@link AuditAction#KEY_UNTHROTTLED}).
 */
public final class KeyThrottles {
    private final HeartbeatAdmin admin;
    private final ThrottleStore throttles;
    private final Clock clock;

    KeyThrottles(HeartbeatAdmin admin, ThrottleStore throttles, Clock clock) {
        this.admin = admin;
        this.throttles = throttles;
        this.clock = clock;
    }

    /**
     * One key blocked from one source address.
     *
     * @param key the blocked access key
     * @param sourceAddress the address it is blocked from, as the throttle bucket names it (an IP address)
     * @param until when the block ends by itself
     */
    public record KeyThrottle(AccessKeyId key, String sourceAddress, Instant until) {
        /**
         * Checks that no component is null.
         *
         * @param key the blocked access key
         * @param sourceAddress the address it is blocked from, as the throttle bucket names it (an IP address)
         * @param until when the block ends by itself
         */
        public KeyThrottle {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(sourceAddress, "sourceAddress");
            Objects.requireNonNull(until, "until");
        }
    }

    /**
     * The blocks on one key of the organization, now.
     *
     * @param org the key's organization
     * @param key the access key
     * @return the blocks still in force, one per address
     * @throws com.heartbeatrm.core.NotFoundException when the organization has no such key
     */
    public List<KeyThrottle> list(OrganizationId org, AccessKeyId key) {
        admin.accessKeys().require(org, key);
        List<KeyThrottle> out = new ArrayList<>();
        for (ThrottleStore.Block b : throttles.blocked(ThrottleBuckets.keyPrefix(key), clock.instant())) {
            out.add(new KeyThrottle(key, ThrottleBuckets.addressOf(b.bucket()), b.until()));
        }
        return List.copyOf(out);
    }

    /**
     * The blocks on every key of the organization, now, by key.
     *
     * @param org the organization
     * @return per key with a block in force, its blocks; keys without one are absent
     */
    public Map<AccessKeyId, List<KeyThrottle>> listAll(OrganizationId org) {
        Objects.requireNonNull(org, "organization");
        Map<AccessKeyId, List<KeyThrottle>> out = new LinkedHashMap<>();
        for (ThrottleStore.Block b : throttles.blocked("key:", clock.instant())) {
            String name = b.bucket().substring(4, b.bucket().indexOf('@'));
            AccessKeyId key;
            try {
                key = AccessKeyId.parse(name);
            } catch (InvalidInputException notAKey) {
                continue;
            }
            if (admin.accessKeys().find(org, key).isPresent()) {
                out.computeIfAbsent(key, k -> new ArrayList<>()).add(new KeyThrottle(key, ThrottleBuckets.addressOf(b.bucket()), b.until()));
            }
        }
        return out;
    }

    /**
     * Lifts every block on the key, from every address, with one audit event in the same transaction.
     *
     * @param actor who lifts them, for the audit event
     * @param org the key's organization
     * @param key the access key
     * @return how many blocks there were
     * @throws com.heartbeatrm.core.NotFoundException when the organization has no such key
     */
    public int lift(Actor actor, OrganizationId org, AccessKeyId key) {
        Objects.requireNonNull(actor, "actor");
        admin.accessKeys().require(org, key);
        // The lift and its audit event commit together: one step of the store.
        return throttles.lift(org, ThrottleBuckets.keyPrefix(key), lifted -> AuditEvent.of(clock.instant(), org, actor,
                AuditAction.KEY_UNTHROTTLED, Subject.of(key), Map.of(), Map.of("lifted", Integer.toString(lifted))));
    }
}
