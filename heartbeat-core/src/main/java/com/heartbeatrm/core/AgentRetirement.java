package com.heartbeatrm.core;

import java.time.Instant;
import java.util.Optional;

/**
 * What the stale and ephemeral agent rules do to one agent at one moment: the single rule every sweeper applies.
 *
 * <p>An agent is judged by when it was last seen (its enrollment, renewal or pending poll, recorded in that request's
 * own transaction). The ephemeral rule ({@link SecuritySetting#EPHEMERAL_AGENTS}) comes first: past it, the agent is
 * removed. Otherwise, past the stale rule ({@link SecuritySetting#STALE_AGENTS}), it is removed or disabled as the rule
 * says; a disable leaves an agent that is already DISABLED alone, and a LOCKED one too (its lock is the evidence of a
 * clone that an admin must see). Nothing else happens.
 */
public enum AgentRetirement {
    /** Past the stale rule, which disables. */
    DISABLE_STALE,
    /** Past the stale rule, which removes. */
    REMOVE_STALE,
    /** Past the ephemeral (VDI pool) rule. */
    REMOVE_EPHEMERAL;

    /**
     * Whether the agent is deleted (else it is disabled).
     *
     * @return true for the two remove rules
     */
    public boolean removes() {
        return this != DISABLE_STALE;
    }

    /**
     * The setting that decided it.
     *
     * @return {@link SecuritySetting#EPHEMERAL_AGENTS} or {@link SecuritySetting#STALE_AGENTS}
     */
    public SecuritySetting<StaleAgentPolicy> setting() {
        return this == REMOVE_EPHEMERAL ? SecuritySetting.EPHEMERAL_AGENTS : SecuritySetting.STALE_AGENTS;
    }

    /**
     * What the rules in force for the agent's group ({@code settings}) do to {@code agent} at {@code now}.
     *
     * @param settings the effective settings of the agent's group
     * @param agent the agent, judged by its status and last-seen time
     * @param now the current instant
     * @return the retirement due, or empty when the agent stays as it is
     */
    public static Optional<AgentRetirement> decide(EffectiveSettings settings, Agent agent, Instant now) {
        return decide(settings.value(SecuritySetting.STALE_AGENTS), settings.value(SecuritySetting.EPHEMERAL_AGENTS), agent.status(),
                agent.lastSeenAt(), now);
    }

    /**
     * The rule, on plain values.
     *
     * @param stale the stale-agent policy
     * @param ephemeral the ephemeral-agent policy, checked first
     * @param status the agent's status: a disable applies only to ACTIVE and PENDING agents
     * @param lastSeenAt when the agent was last seen
     * @param now the current instant
     * @return the retirement due, or empty
     */
    public static Optional<AgentRetirement> decide(StaleAgentPolicy stale, StaleAgentPolicy ephemeral, AgentStatus status, Instant lastSeenAt,
            Instant now) {
        if (ephemeral.appliesTo(lastSeenAt, now)) {
            return Optional.of(REMOVE_EPHEMERAL);
        }
        if (stale.appliesTo(lastSeenAt, now)) {
            if (stale.action().orElseThrow() == StaleAgentPolicy.Action.REMOVE) {
                return Optional.of(REMOVE_STALE);
            }
            if (status == AgentStatus.ACTIVE || status == AgentStatus.PENDING) {
                return Optional.of(DISABLE_STALE);
            }
        }
        return Optional.empty();
    }

    /**
     * The earliest last-seen time none of the rules touches at {@code now}: agents seen before it may be.
     *
     * @param settings the effective settings of a group
     * @param now the current instant
     * @return the horizon, or empty when both rules are off
     */
    public static Optional<Instant> horizon(EffectiveSettings settings, Instant now) {
        Optional<Instant> out = Optional.empty();
        for (StaleAgentPolicy p : java.util.List.of(settings.value(SecuritySetting.STALE_AGENTS), settings.value(SecuritySetting.EPHEMERAL_AGENTS))) {
            if (!p.isOff()) {
                Instant h = now.minus(p.after()).plusNanos(1);
                out = Optional.of(out.filter(o -> o.isAfter(h)).orElse(h));
            }
        }
        return out;
    }
}
