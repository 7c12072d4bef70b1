package com.heartbeatrm.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Effective settings equal a brute-force reference model for random trees, overrides and locks.
 *
 * <p>The model is formulated differently from the implementation on purpose: it first finds the topmost group
 * on the path that locks the setting, then takes the last override at or above that point (or on the whole
 * path when nothing locks it).
 */
class EffectiveSettingsProperties {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final OrganizationId ORG = OrganizationId.random();

    /** One group of a generated tree: its parent's index (< own index) and what it sets. */
    record Node(int parentPick, Optional<Duration> ttl, Optional<Boolean> approval, boolean lockTtl, boolean lockApproval) {
    }

    @Provide
    Arbitrary<List<Node>> trees() {
        Arbitrary<Boolean> sometimes = Arbitraries.integers().between(0, 4).map(x -> x == 0);
        Arbitrary<Node> node = Combinators.combine(
                Arbitraries.integers().between(0, 1_000_000),
                Arbitraries.integers().between(5, 600).map(m -> Duration.ofMinutes(m)).optional(0.4),
                Arbitraries.of(true, false).optional(0.4),
                sometimes,
                sometimes).as(Node::new);
        return node.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 300)
    void resolutionMatchesReferenceModel(@ForAll("trees") List<Node> nodes) {
        List<Group> groups = new ArrayList<>();
        List<Integer> parent = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            GroupSettings s = GroupSettings.NONE;
            if (n.ttl().isPresent()) {
                s = s.withOverride(SecuritySetting.AGENT_CREDENTIAL_TTL, n.ttl().get());
            }
            if (n.approval().isPresent()) {
                s = s.withOverride(SecuritySetting.REQUIRE_APPROVAL, n.approval().get());
            }
            s = s.withLock(SecuritySetting.AGENT_CREDENTIAL_TTL, n.lockTtl()).withLock(SecuritySetting.REQUIRE_APPROVAL, n.lockApproval());
            int p = i == 0 ? -1 : n.parentPick() % i;
            parent.add(p);
            groups.add(new Group(GroupId.random(), ORG, p < 0 ? Optional.empty() : Optional.of(groups.get(p).id()), "g" + i, s, T, 0));
        }
        for (int i = 0; i < groups.size(); i++) {
            List<Group> path = new ArrayList<>();
            for (int j = i; j >= 0; j = parent.get(j)) {
                path.add(0, groups.get(j));
            }
            EffectiveSettings eff = EffectiveSettings.resolve(path);
            check(eff, path, SecuritySetting.AGENT_CREDENTIAL_TTL);
            check(eff, path, SecuritySetting.REQUIRE_APPROVAL);
            // Settings nobody overrides stay at their defaults, from the default source.
            assertThat(eff.resolved(SecuritySetting.ALLOWED_NETWORKS).source()).isEqualTo(new SettingSource.Default());
            assertThat(eff.allowedNetworks()).isEqualTo(NetworkAllowList.ANY);
        }
    }

    private static <T> void check(EffectiveSettings eff, List<Group> path, SecuritySetting<T> setting) {
        int lockAt = -1;
        for (int k = 0; k < path.size(); k++) {
            if (path.get(k).settings().isLocked(setting)) {
                lockAt = k;
                break;
            }
        }
        int searchTo = lockAt >= 0 ? lockAt : path.size() - 1;
        T expected = setting.defaultValue();
        SettingSource expectedSource = new SettingSource.Default();
        for (int k = searchTo; k >= 0; k--) {
            Optional<T> o = path.get(k).settings().override(setting);
            if (o.isPresent()) {
                expected = o.get();
                expectedSource = new SettingSource.FromGroup(path.get(k).id(), path.get(k).name());
                break;
            }
        }
        ResolvedSetting<T> actual = eff.resolved(setting);
        assertThat(actual.value()).isEqualTo(expected);
        assertThat(actual.source()).isEqualTo(expectedSource);
        assertThat(actual.lockedBy().map(SettingSource.FromGroup::groupId))
                .isEqualTo(lockAt >= 0 ? Optional.of(path.get(lockAt).id()) : Optional.empty());
    }
}
