package com.heartbeatrm.store.jdbc;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentFacts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PostgreSQL: the facts a key lane's last batch read, kept so that the next batch can be judged without reading them
 * again, and the rows they came from, which the next batch's statement checks are unchanged (see
 * {@link AtOnceEnrollment}).
 *
 * <h2>What is kept, and why that is enough</h2>
 * Per organization and key: the organization, the key, its group path (root first), the active signing key's id, the
 * installers and the signing keys the members' tokens named (each found). These are the facts members of one key share.
 * A member's own facts are not kept: a batch judged from here assumes that no agent has its agent key, its throttle
 * bucket is not blocked, its nonce is unused and it reported no machine fingerprint (a computer that did is judged on
 * facts read for it), and the statement fails when an assumption was wrong: the agent key's unique constraint, the nonce
 * upsert's count, a condition on the throttle table.
 *
 * <p>Nothing here is trusted: the statement admits only if every row it came from is as read (by version, and the key
 * group's materialized path). A kept fact therefore saves a read, never decides alone, and a denial is never made on
 * one. A group path is kept only if it is a chain from a root (see {@link #isChain}). An entry is dropped when a
 * statement built from it was refused.
 *
 * <p>Bounded: at most {@value #MAX_LANES} lanes (all forgotten when full) and {@value #MAX_INSTALLERS} installers per
 * lane.
 */
final class LaneFacts {
    static final int MAX_LANES = 1024;
    static final int MAX_INSTALLERS = 64;

    /** One lane's shared facts, as read in one statement's snapshot (the installers and signing keys: in several). */
    static final class Shared {
        final Organization organization;
        final AccessKey key;
        final List<Group> groupPath;
        final Optional<String> activeSigningKeyId;
        final Map<String, InstallerRecord> installers;
        final Set<String> signingKeys;

        Shared(Organization organization, AccessKey key, List<Group> groupPath, Optional<String> activeSigningKeyId,
                Map<String, InstallerRecord> installers, Set<String> signingKeys) {
            this.organization = organization;
            this.key = key;
            this.groupPath = List.copyOf(groupPath);
            this.activeSigningKeyId = activeSigningKeyId;
            this.installers = Map.copyOf(installers);
            this.signingKeys = Set.copyOf(signingKeys);
        }

        /** The key group's materialized path, {@code /root/…/self/}, as its row holds it when the kept path is current. */
        String keyGroupPath() {
            StringBuilder b = new StringBuilder("/");
            for (Group g : groupPath) {
                b.append(g.id().value()).append('/');
            }
            return b.toString();
        }

        /** The facts a member would read if nothing of its own is stored; empty when it names an installer or signing key not kept. */
        Optional<EnrollmentFacts> factsFor(EnrollmentAttempt a) {
            InstallerRecord installer = installers.get(a.installer().value());
            if (installer == null || !signingKeys.contains(a.signingKeyId()) || a.machineFingerprint().isPresent()) {
                return Optional.empty();
            }
            return Optional.of(new EnrollmentFacts(Optional.of(organization), Optional.of(installer), true, Optional.of(key), groupPath,
                    Optional.empty(), Optional.empty(), false, activeSigningKeyId, List.of()));
        }
    }

    private final ConcurrentHashMap<String, Shared> lanes = new ConcurrentHashMap<>();

    static String lane(EnrollmentAttempt a) {
        return a.organization().value() + '/' + a.key().value();
    }

    /** Every member's facts from the lane's kept facts; empty unless each member's can be (see {@link Shared#factsFor}). */
    Optional<Judgeable> factsFor(List<KeyLanes.Member> members) {
        Shared shared = lanes.get(lane(members.get(0).attempt));
        if (shared == null) {
            return Optional.empty();
        }
        List<EnrollmentFacts> out = new ArrayList<>(members.size());
        for (KeyLanes.Member m : members) {
            Optional<EnrollmentFacts> f = shared.factsFor(m.attempt);
            if (f.isEmpty()) {
                return Optional.empty();
            }
            out.add(f.get());
        }
        return Optional.of(new Judgeable(shared, out));
    }

    /** Kept facts and the members' facts made from them. */
    record Judgeable(Shared shared, List<EnrollmentFacts> facts) {
    }

    /**
     * Keeps the shared facts of a batch's members as just read in one statement: when the organization, the key and a
     * group path were found. Installers and signing keys the members named and found are added to those the lane kept
     * (the newest version of each); the statement checks each one a batch uses.
     */
    void remember(List<KeyLanes.Member> members, List<EnrollmentFacts> facts) {
        EnrollmentFacts first = facts.get(0);
        if (first.organization().isEmpty() || first.key().isEmpty() || !isChain(first.groupPath(), first.key().get())) {
            return;
        }
        Map<String, InstallerRecord> installers = new HashMap<>();
        Set<String> signingKeys = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            EnrollmentFacts f = facts.get(i);
            EnrollmentAttempt a = members.get(i).attempt;
            f.installer().filter(ins -> ins.id().equals(a.installer())).ifPresent(ins -> installers.put(ins.id().value(), ins));
            if (f.signingKeyKnown()) {
                signingKeys.add(a.signingKeyId());
            }
        }
        Shared read = new Shared(first.organization().get(), first.key().get(), first.groupPath(), first.activeSigningKeyId(), installers,
                signingKeys);
        String lane = lane(members.get(0).attempt);
        lanes.compute(lane, (k, kept) -> {
            if (kept == null) {
                return read;
            }
            // Installers and signing keys kept from earlier reads stay: each is checked by the statement that uses it.
            Map<String, InstallerRecord> merged = new HashMap<>(kept.installers);
            for (InstallerRecord ins : installers.values()) {
                if (merged.size() < MAX_INSTALLERS || merged.containsKey(ins.id().value())) {
                    merged.put(ins.id().value(), ins);
                }
            }
            Set<String> keys = new HashSet<>(kept.signingKeys);
            keys.addAll(signingKeys);
            // A bound, not a policy: past it, only what this read found.
            return new Shared(read.organization, read.key, read.groupPath, read.activeSigningKeyId, merged, keys.size() > MAX_INSTALLERS ? signingKeys : keys);
        });
        if (lanes.size() > MAX_LANES) {
            lanes.clear();
        }
    }

    /**
     * Whether {@code path} is the key's group and its ancestors, each the parent of the next, from a root. The path is
     * read in two statements (the key's group with its materialized path, then the ancestors by the ids in it): a move
     * that commits between them gives a list of current rows that is no group's path, which a batch may be judged on
     * once (as before kept facts) but which must not be kept.
     */
    static boolean isChain(List<Group> path, AccessKey key) {
        if (path.isEmpty() || !path.get(path.size() - 1).id().equals(key.groupId()) || path.get(0).parentId().isPresent()) {
            return false;
        }
        for (int i = 1; i < path.size(); i++) {
            if (!path.get(i).parentId().equals(Optional.of(path.get(i - 1).id()))) {
                return false;
            }
        }
        return true;
    }

    /** Drops what the lane kept: a statement built from it was refused. */
    void forget(EnrollmentAttempt a, Shared kept) {
        lanes.remove(lane(a), kept);
    }
}
