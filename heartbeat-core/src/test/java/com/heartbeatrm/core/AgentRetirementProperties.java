package com.heartbeatrm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The stale and ephemeral agent rules equal a reference model written as a decision table, for random rules, statuses
 * and offline times around each rule's boundary; and the settings' text forms round-trip and refuse what is malformed.
 */
class AgentRetirementProperties {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    @Provide
    Arbitrary<StaleAgentPolicy> staleRules() {
        Arbitrary<Duration> after = Arbitraries.longs().between(1, 400).map(Duration::ofDays);
        return Arbitraries.oneOf(Arbitraries.just(StaleAgentPolicy.OFF), after.map(StaleAgentPolicy::disableAfter), after.map(StaleAgentPolicy::removeAfter));
    }

    @Provide
    Arbitrary<StaleAgentPolicy> ephemeralRules() {
        return Arbitraries.oneOf(Arbitraries.just(StaleAgentPolicy.OFF),
                Arbitraries.longs().between(1, 24 * 30).map(h -> StaleAgentPolicy.removeAfter(Duration.ofHours(h))));
    }

    /** An offline time near one of the rules' boundaries (one second either side, or on it), or anywhere. */
    private static Duration offline(StaleAgentPolicy stale, StaleAgentPolicy ephemeral, int pick, long seconds) {
        StaleAgentPolicy near = pick % 2 == 0 ? stale : ephemeral;
        if (near.isOff() || pick >= 6) {
            return Duration.ofSeconds(seconds);
        }
        return near.after().plusSeconds(pick / 2 - 1);
    }

    @Property(tries = 2000)
    void decisionMatchesTable(@ForAll("staleRules") StaleAgentPolicy stale, @ForAll("ephemeralRules") StaleAgentPolicy ephemeral,
            @ForAll AgentStatus status, @ForAll @LongRange(min = 0, max = 9) long pick, @ForAll @LongRange(min = 0, max = 500L * 86_400) long seconds) {
        Duration off = offline(stale, ephemeral, (int) pick, seconds);
        Instant lastSeen = NOW.minus(off);

        Optional<AgentRetirement> expected;
        boolean ephemeralDue = !ephemeral.equals(StaleAgentPolicy.OFF) && off.compareTo(ephemeral.after()) >= 0;
        boolean staleDue = !stale.equals(StaleAgentPolicy.OFF) && off.compareTo(stale.after()) >= 0;
        if (ephemeralDue) {
            expected = Optional.of(AgentRetirement.REMOVE_EPHEMERAL);
        } else if (staleDue && stale.action().get() == StaleAgentPolicy.Action.REMOVE) {
            expected = Optional.of(AgentRetirement.REMOVE_STALE);
        } else if (staleDue && List.of(AgentStatus.ACTIVE, AgentStatus.PENDING).contains(status)) {
            expected = Optional.of(AgentRetirement.DISABLE_STALE);
        } else {
            expected = Optional.empty();
        }
        assertThat(AgentRetirement.decide(stale, ephemeral, status, lastSeen, NOW)).isEqualTo(expected);
    }

    @Property(tries = 500)
    void horizonBoundsEveryDecision(@ForAll("staleRules") StaleAgentPolicy stale, @ForAll("ephemeralRules") StaleAgentPolicy ephemeral,
            @ForAll @LongRange(min = 0, max = 500L * 86_400) long seconds) {
        GroupSettings s = GroupSettings.NONE.withOverride(SecuritySetting.STALE_AGENTS, stale).withOverride(SecuritySetting.EPHEMERAL_AGENTS, ephemeral);
        EffectiveSettings e = EffectiveSettings.resolve(List.of(new Group(GroupId.random(), OrganizationId.random(), Optional.empty(), "root", s,
                NOW.minus(Duration.ofDays(999)), 0)));
        Instant lastSeen = NOW.minusSeconds(seconds);
        Optional<Instant> horizon = AgentRetirement.horizon(e, NOW);
        if (AgentRetirement.decide(stale, ephemeral, AgentStatus.ACTIVE, lastSeen, NOW).isPresent()) {
            assertThat(horizon).isPresent();
            assertThat(lastSeen).isBefore(horizon.get());
        }
        assertThat(horizon.isPresent()).isEqualTo(!stale.isOff() || !ephemeral.isOff());
    }

    @Property(tries = 300)
    void textRoundTrips(@ForAll("staleRules") StaleAgentPolicy stale, @ForAll("ephemeralRules") StaleAgentPolicy ephemeral) {
        assertThat(SecuritySetting.STALE_AGENTS.parse(SecuritySetting.STALE_AGENTS.format(stale))).isEqualTo(stale);
        assertThat(SecuritySetting.EPHEMERAL_AGENTS.parse(SecuritySetting.EPHEMERAL_AGENTS.format(ephemeral))).isEqualTo(ephemeral);
    }

    @Test
    void textForms() {
        assertThat(SecuritySetting.STALE_AGENTS.parse("disable:30d")).isEqualTo(StaleAgentPolicy.disableAfter(Duration.ofDays(30)));
        assertThat(SecuritySetting.STALE_AGENTS.parse("Remove after 90d")).isEqualTo(StaleAgentPolicy.removeAfter(Duration.ofDays(90)));
        assertThat(SecuritySetting.STALE_AGENTS.parse("disable 45d")).isEqualTo(StaleAgentPolicy.disableAfter(Duration.ofDays(45)));
        assertThat(SecuritySetting.STALE_AGENTS.parse("off")).isEqualTo(StaleAgentPolicy.OFF);
        assertThat(SecuritySetting.STALE_AGENTS.format(StaleAgentPolicy.removeAfter(Duration.ofDays(90)))).isEqualTo("remove:90d");
        assertThat(SecuritySetting.EPHEMERAL_AGENTS.parse("8h")).isEqualTo(StaleAgentPolicy.removeAfter(Duration.ofHours(8)));
        assertThat(SecuritySetting.EPHEMERAL_AGENTS.format(StaleAgentPolicy.removeAfter(Duration.ofHours(8)))).isEqualTo("8h");
        assertThat(SecuritySetting.STALE_AGENTS.defaultValue()).isEqualTo(StaleAgentPolicy.OFF);
        assertThat(SecuritySetting.byName("staleagents")).contains(SecuritySetting.STALE_AGENTS);

        assertThatThrownBy(() -> SecuritySetting.STALE_AGENTS.parse("disable:2h")).hasMessageContaining("between 1d and 3650d");
        assertThatThrownBy(() -> SecuritySetting.STALE_AGENTS.parse("archive:30d")).hasMessageContaining("disable:DURATION");
        assertThatThrownBy(() -> SecuritySetting.STALE_AGENTS.parse("30d")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> SecuritySetting.STALE_AGENTS.parse("x".repeat(100))).hasMessageContaining("too long");
        assertThatThrownBy(() -> SecuritySetting.EPHEMERAL_AGENTS.parse("30m")).hasMessageContaining("between 1h and 366d");
        assertThatThrownBy(() -> SecuritySetting.EPHEMERAL_AGENTS.parse("disable:8h")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> GroupSettings.NONE.withOverride(SecuritySetting.EPHEMERAL_AGENTS, StaleAgentPolicy.disableAfter(Duration.ofDays(2))))
                .hasMessageContaining("only removes");
        assertThatThrownBy(() -> new StaleAgentPolicy(Optional.empty(), Duration.ofDays(1))).isInstanceOf(InvalidInputException.class);
    }
}
