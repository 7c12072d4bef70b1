package com.heartbeatrm.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of create, move and delete over two organizations never produce a cycle, an orphan or a
 * cross-organization reference, and the store always agrees with a plain parent-map reference model.
 */
class GroupTreeProperties {
    private static final Actor ACTOR = Actor.of("prop");

    enum Kind { CREATE, MOVE, DELETE }

    /** {@code a} and {@code b} pick groups among all groups of both organizations, so some ops cross tenants. */
    record Op(Kind kind, int org, int a, int b) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(0, 10_000))
                .as(Op::new).list().ofMaxSize(60);
    }

    @Property(tries = 150)
    void treeStaysSound(@ForAll("ops") List<Op> ops) {
        InMemoryHeartbeatStore store = new InMemoryHeartbeatStore();
        HeartbeatAdmin admin = HeartbeatAdmin.of(store, java.time.Clock.systemUTC());
        List<NewOrganization> orgs = List.of(admin.organizations().setUp(ACTOR, "A"), admin.organizations().setUp(ACTOR, "B"));
        // Reference model: group -> (org, parent); roots have no parent.
        Map<GroupId, Integer> orgOf = new HashMap<>();
        Map<GroupId, Optional<GroupId>> parentOf = new HashMap<>();
        List<GroupId> all = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            GroupId root = orgs.get(i).rootGroup().id();
            orgOf.put(root, i);
            parentOf.put(root, Optional.empty());
            all.add(root);
        }
        int counter = 0;
        for (Op op : ops) {
            OrganizationId org = orgs.get(op.org()).id();
            GroupId a = all.get(op.a() % all.size());
            GroupId b = all.get(op.b() % all.size());
            boolean crossTenant = orgOf.get(a) != op.org() || (op.kind() == Kind.MOVE && orgOf.get(b) != op.org());
            boolean modelAllows = switch (op.kind()) {
                case CREATE -> !crossTenant;
                case MOVE -> !crossTenant && parentOf.get(a).isPresent() && !isAncestorOrSelf(parentOf, a, b)
                        && siblingsFree(admin, store, org, b, a);
                case DELETE -> !crossTenant && parentOf.get(a).isPresent() && parentOf.values().stream()
                        .noneMatch(p -> p.equals(Optional.of(a)));
            };
            boolean succeeded;
            try {
                switch (op.kind()) {
                    case CREATE -> {
                        Group g = admin.groups().create(ACTOR, org, a, "g" + counter++);
                        orgOf.put(g.id(), op.org());
                        parentOf.put(g.id(), Optional.of(a));
                        all.add(g.id());
                    }
                    case MOVE -> {
                        admin.groups().move(ACTOR, org, a, b);
                        parentOf.put(a, Optional.of(b));
                    }
                    case DELETE -> {
                        admin.groups().delete(ACTOR, org, a);
                        parentOf.remove(a);
                        orgOf.remove(a);
                        all.remove(a);
                    }
                }
                succeeded = true;
            } catch (NotFoundException | ConflictException e) {
                succeeded = false;
            }
            assertThat(succeeded).as("%s (cross tenant: %s)", op, crossTenant).isEqualTo(modelAllows);
            if (crossTenant) {
                assertThat(succeeded).isFalse();
            }
        }
        for (int i = 0; i < 2; i++) {
            NewOrganization o = orgs.get(i);
            List<Group> subtree = admin.groups().subtree(o.id(), o.rootGroup().id());
            Set<GroupId> ids = new HashSet<>();
            for (Group g : subtree) {
                assertThat(ids.add(g.id())).as("no group reached twice (a cycle)").isTrue();
                assertThat(g.organizationId()).isEqualTo(o.id());
                assertThat(g.parentId()).isEqualTo(parentOf.get(g.id()));
                g.parentId().ifPresent(p -> assertThat(admin.groups().find(o.id(), p)).as("parent exists").isPresent());
            }
            int orgIndex = i;
            long inModel = orgOf.values().stream().filter(x -> x == orgIndex).count();
            assertThat(subtree).as("every group of the org is reachable from its root: no orphans").hasSize((int) inModel);
        }
    }

    private static boolean isAncestorOrSelf(Map<GroupId, Optional<GroupId>> parentOf, GroupId ancestor, GroupId g) {
        for (Optional<GroupId> cur = Optional.of(g); cur.isPresent(); cur = parentOf.get(cur.get())) {
            if (cur.get().equals(ancestor)) {
                return true;
            }
        }
        return false;
    }

    private static boolean siblingsFree(HeartbeatAdmin admin, InMemoryHeartbeatStore store, OrganizationId org, GroupId newParent, GroupId moving) {
        Optional<Group> g = admin.groups().find(org, moving);
        if (g.isEmpty()) {
            return false;
        }
        return store.groups().findChild(org, newParent, g.get().name()).map(c -> c.id().equals(moving)).orElse(true);
    }
}
