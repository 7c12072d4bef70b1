package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.enrollment.RetentionPolicy;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The retention sweeper ({@code heartbeat.retention.*}, see {@code RetentionPolicy}): on by default with conservative
 * values. It also applies the groups' {@code staleAgents} and {@code ephemeralAgents} settings, which are off until an
 * admin sets them.
 */
public class HeartbeatRetentionProperties {
    /** Whether to sweep in the background. */
    private boolean enabled = true;

    /** Delete audit records older than this; 0 keeps them forever. */
    private Duration auditRetention = Duration.ofDays(400);

    /** Delete records of installers revoked or expired longer ago than this; 0 keeps them forever. */
    private Duration installerGrace = Duration.ofDays(90);

    /** The pause between two sweeps. */
    private Duration sweepInterval = Duration.ofMinutes(15);

    /** The sweeper's settings, with their defaults. */
    public HeartbeatRetentionProperties() {
        // every property has its default
    }

    /**
     * Whether to sweep in the background.
     *
     * @return true by default
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets {@code heartbeat.retention.enabled}.
     *
     * @param enabled false to sweep nothing in the background
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Delete audit records older than this; 0 keeps them forever.
     *
     * @return the retention, 400 days by default
     */
    public Duration getAuditRetention() {
        return auditRetention;
    }

    /**
     * Sets {@code heartbeat.retention.audit-retention}.
     *
     * @param auditRetention the age past which audit records are deleted; 0 keeps them
     */
    public void setAuditRetention(Duration auditRetention) {
        this.auditRetention = auditRetention;
    }

    /**
     * Delete records of installers revoked or expired longer ago than this; 0 keeps them forever.
     *
     * @return the grace period, 90 days by default
     */
    public Duration getInstallerGrace() {
        return installerGrace;
    }

    /**
     * Sets {@code heartbeat.retention.installer-grace}.
     *
     * @param installerGrace the grace period; 0 keeps the records
     */
    public void setInstallerGrace(Duration installerGrace) {
        this.installerGrace = installerGrace;
    }

    /**
     * The pause between two sweeps.
     *
     * @return the interval, 15 minutes by default
     */
    public Duration getSweepInterval() {
        return sweepInterval;
    }

    /**
     * Sets {@code heartbeat.retention.sweep-interval}.
     *
     * @param sweepInterval the pause between two sweeps
     */
    public void setSweepInterval(Duration sweepInterval) {
        this.sweepInterval = sweepInterval;
    }

    /** The policy these properties describe; nothing swept in the background when disabled. */
    // RetentionPolicy's builder takes null for "not set"; its parameters get @Nullable when NullAway reaches the
    // enrollment module (its pom counts the findings still open there).
    @SuppressWarnings("NullAway")
    RetentionPolicy policy() {
        if (!enabled) {
            return RetentionPolicy.DEFAULTS;
        }
        return RetentionPolicy.builder().auditRetention(orNull(auditRetention)).installerGrace(orNull(installerGrace))
                .sweepEvery(sweepInterval).build();
    }

    private static @Nullable Duration orNull(@Nullable Duration d) {
        return d == null || d.isZero() ? null : d;
    }
}
