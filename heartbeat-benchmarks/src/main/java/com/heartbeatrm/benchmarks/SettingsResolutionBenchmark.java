package com.heartbeatrm.benchmarks;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.EffectiveSettings;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.SecuritySetting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Effective-settings resolution for a group at depth 1, 8 and 64 in trees of 1 000 and 100 000 groups, on the
 * in-memory store through the public admin API.
 *
 * <p>Baseline ({@code plainParentWalk}): the least work any implementation must do, measured in the same run:
 * walk a plain {@code HashMap} of parent pointers from the same group all the way to the root and keep the nearest
 * override of one setting. The ratio {@code resolve / plainParentWalk} is what our code costs on top (five settings, origins,
 * locks, validation, the store's monitor). Resolution is O(depth) when, for a given depth, the time does not grow
 * with the tree size.
 *
 * <p>Run: {@code java -jar heartbeat-benchmarks/target/benchmarks.jar SettingsResolution}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
public class SettingsResolutionBenchmark extends ThroughputDefaults {
    @Param({"1000", "100000"})
    public int treeSize;

    @Param({"1", "8", "64"})
    public int depth;

    private HeartbeatAdmin admin;
    private NewOrganization org;
    private GroupId target;
    private Map<GroupId, GroupId> parents;
    private Map<GroupId, Duration> ttlOverrides;

    @Setup(Level.Trial)
    public void buildTree() {
        Actor actor = Actor.of("bench");
        admin = HeartbeatAdmin.of(new InMemoryHeartbeatStore(), java.time.Clock.systemUTC());
        org = admin.organizations().setUp(actor, "Bench");
        parents = new HashMap<>();
        ttlOverrides = new HashMap<>();
        List<Group> all = new ArrayList<>();
        all.add(org.rootGroup());
        // A spine 64 deep, with overrides and a lock along it, so resolution has real work at every depth.
        Group parent = org.rootGroup();
        List<Group> spine = new ArrayList<>();
        for (int d = 1; d <= 64; d++) {
            Group g = admin.groups().create(actor, org.id(), parent.id(), "spine-" + d);
            if (d % 3 == 0) {
                g = admin.groups().setOverride(actor, org.id(), g.id(), SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofHours(d));
                ttlOverrides.put(g.id(), Duration.ofHours(d));
            }
            if (d == 5) {
                g = admin.groups().setLocked(actor, org.id(), g.id(), SecuritySetting.ALLOWED_PLATFORMS, true);
            }
            parents.put(g.id(), parent.id());
            spine.add(g);
            all.add(g);
            parent = g;
        }
        // The rest of the tree: each new group under a random earlier one (depth stays bounded by the spine).
        SplittableRandom random = new SplittableRandom(42);
        while (all.size() < treeSize) {
            Group p = all.get(random.nextInt(all.size()));
            Group g = admin.groups().create(actor, org.id(), p.id(), "g-" + all.size());
            parents.put(g.id(), p.id());
            all.add(g);
        }
        target = spine.get(depth - 1).id();
        if (admin.groups().pathFromRoot(org.id(), target).size() != depth + 1) {
            throw new IllegalStateException("target is not at depth " + depth);
        }
        // Building 100 000 groups leaves much garbage; collect it now rather than during measurement.
        System.gc();
    }

    @Benchmark
    public EffectiveSettings resolve() {
        return admin.groups().effectiveSettings(org.id(), target);
    }

    @Benchmark
    public Duration plainParentWalk() {
        // Walks the whole path, as resolution must (a lock may sit anywhere above), keeping the nearest override.
        Duration nearest = null;
        for (GroupId g = target; g != null; g = parents.get(g)) {
            Duration d = ttlOverrides.get(g);
            if (nearest == null && d != null) {
                nearest = d;
            }
        }
        return nearest == null ? Duration.ofHours(24) : nearest;
    }
}
