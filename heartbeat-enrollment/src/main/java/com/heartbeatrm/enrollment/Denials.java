package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.core.spi.ThrottleStore;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * What a refusal leaves behind, for enrollment and renewal alike: a counted failure in its throttle bucket, an audit
 * event when the organization is known (and one more when a key becomes blocked from an address), or a debug line
 * when it is not. Refused requests change nothing, so they are audited in aggregate ({@link DenialDigest}): the
 * first of a kind from a source at once, its repeats as one row per window. Decisions that change something (an
 * agent enrolled or locked, a key blocked) are one row each. Events carry ids and the source address, never a token
 * or credential. Counting failures also purges the throttle state that holds nothing any more.
 */
final class Denials implements AutoCloseable {
    /** Throttle state is purged once every this many counted failures. */
    static final int PURGE_EVERY = 256;
    private static final Logger LOG = LoggerFactory.getLogger(Denials.class);
    private final HeartbeatStore store;
    private final EnrollmentPolicy policy;

    private final DenialDigest digest;
    private final AtomicLong failures = new AtomicLong();

    Denials(HeartbeatStore store, EnrollmentPolicy policy, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.digest = new DenialDigest(this::audit, policy.throttleWindow(), clock);
    }

    ThrottleStore.Failure countFailure(String bucket, Instant now, int threshold) {
        ThrottleStore.Failure f = store.throttles().recordFailure(bucket, now, policy.throttleWindow(), threshold, policy.throttleBackoff());
        if (failures.incrementAndGet() % PURGE_EVERY == 0) {
            // Off the request thread: a store that cannot purge now must not turn this refusal into a 503.
            digest.inBackground(() -> store.throttles().purge(now, policy.throttleWindow()));
        }
        return f;
    }

    /** A refused request of a known organization: tallied, and audited as the first of its kind or with its repeats. */
    void refused(AuditEvent event, InetAddress from) {
        digest.refused(event, ThrottleBuckets.source(from));
    }

    @Override
    public void close() {
        digest.close();
    }

    /** Counts a suspect failure of a key from one address; the failure that blocks it is an audit event of the key. */
    void countKeyFailure(OrganizationId org, AccessKeyId key, InetAddress address, Instant now) {
        ThrottleStore.Failure f = countFailure(ThrottleBuckets.keyFrom(key, address), now, policy.keyThreshold());
        if (f.newlyBlocked()) {
            audit(AuditEvent.of(now, org, Actor.SYSTEM, AuditAction.KEY_THROTTLED, Subject.of(key), Map.of(),
                    Map.of("sourceAddress", address.getHostAddress(), "until", f.blockedUntil().orElseThrow().toString(),
                            "failures", Integer.toString(policy.keyThreshold()))));
        }
    }

    void audit(AuditEvent event) {
        try {
            store.audit().append(event);
        } catch (NotFoundException gone) {
            LOG.debug("not audited: organization {} does not exist", event.organizationId());
        }
    }

    void logUnverified(String what, DenialReason reason, InetAddress address) {
        LOG.debug("{} refused before anything verified: {} from {}", what, reason, address.getHostAddress());
    }

    /** An audit event for one decision about an agent request, with what the pipeline knew (null: not known). */
    AuditEvent decisionEvent(RequestContext ctx, OrganizationId org, AuditAction action, @Nullable AgentId agent, @Nullable AccessKeyId key,
            @Nullable InstallerId installer, @Nullable GroupId group, String outcome, @Nullable String fingerprint) {
        Map<String, String> after = new LinkedHashMap<>();
        after.put("outcome", outcome);
        if (key != null) {
            after.put("key", key.value());
        }
        if (installer != null) {
            after.put("installer", installer.value());
        }
        if (group != null) {
            after.put("group", group.value());
        }
        after.put("sourceAddress", ctx.remoteAddress().getHostAddress());
        if (agent != null) {
            after.put("agent", agent.value());
        }
        if (fingerprint != null) {
            after.put("agentKeyFingerprint", fingerprint);
        }
        Subject subject = agent != null ? Subject.of(agent) : installer != null ? Subject.of(installer)
                : key != null ? Subject.of(key) : Subject.of(org);
        return AuditEvent.of(ctx.receivedAt(), org, Actor.SYSTEM, action, subject, Map.of(), after);
    }
}
