package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.GroupNotEmptyException;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.InvalidMoveException;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.StaleVersionException;
import com.heartbeatrm.core.Subject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The group tree: sibling names, unusual names, paths and traversal, moves without cycles, deletes refused while anything depends on a group, optimistic versions. */
@DisplayName("group tree")
public interface GroupStoreContract extends StoreContract {
    /** Contract: names are trimmed and unique among siblings, case-insensitively; other parents may reuse them. */
    @Test
    @DisplayName("names are trimmed and unique among siblings, case-insensitively; other parents may reuse them")
    default void siblingNamesUnique() {
        NewOrganization org = newOrg();
        GroupId root = org.rootGroup().id();
        Group a = group(org, root, "  Customer A ");
        assertThat(a.name()).isEqualTo("Customer A");
        assertThatThrownBy(() -> admin().groups().create(ALICE, org.id(), root, "customer a"))
                .isInstanceOf(DuplicateNameException.class);
        Group site = group(org, a.id(), "Customer A");
        assertThat(site.parentId()).contains(a.id());
        Group b = group(org, root, "Customer B");
        assertThatThrownBy(() -> admin().groups().rename(ALICE, org.id(), b.id(), "CUSTOMER A"))
                .isInstanceOf(DuplicateNameException.class);
        assertThat(admin().groups().rename(ALICE, org.id(), b.id(), "customer b").name()).isEqualTo("customer b");
        assertThat(admin().groups().children(org.id(), root)).extracting(Group::name).containsExactly("Customer A", "customer b");
    }

    /** Contract: names with quotes, Unicode and maximal length round-trip exactly. */
    @Test
    @DisplayName("names with quotes, Unicode and maximal length round-trip exactly")
    default void unusualNamesRoundTrip() {
        NewOrganization org = newOrg();
        GroupId root = org.rootGroup().id();
        String max = "é".repeat(Group.MAX_NAME_LENGTH);
        for (String name : List.of("O'Brien \"Ltd\"", "Zürich – Büro 🏢", "日本支社", "a;b--c /*x*/".replace("/", "|"), max)) {
            Group g = admin().groups().create(ALICE, org.id(), root, name);
            assertThat(admin().groups().require(org.id(), g.id()).name()).isEqualTo(name);
            assertThat(admin().groups().findByPath(org.id(), name)).map(Group::id).contains(g.id());
        }
        assertThatThrownBy(() -> admin().groups().create(ALICE, org.id(), root, "a\u0000b")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin().groups().create(ALICE, org.id(), root, max + "x")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin().groups().create(ALICE, org.id(), root, "a/b")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin().groups().create(ALICE, org.id(), root, "   ")).isInstanceOf(InvalidInputException.class);
    }

    /** Contract: looks groups up by path and lists children, subtree and ancestors. */
    @Test
    @DisplayName("looks groups up by path and lists children, subtree and ancestors")
    default void pathsAndTraversal() {
        NewOrganization org = newOrg();
        GroupId root = org.rootGroup().id();
        Group a = group(org, root, "Customer A");
        Group s2 = group(org, a.id(), "Site 2");
        Group s1 = group(org, a.id(), "Site 1");
        Group floor = group(org, s1.id(), "Floor 3");
        Group b = group(org, root, "Customer B");

        assertThat(admin().groups().findByPath(org.id(), "Customer A/Site 1")).map(Group::id).contains(s1.id());
        assertThat(admin().groups().findByPath(org.id(), "customer a/SITE 1/floor 3")).map(Group::id).contains(floor.id());
        assertThat(admin().groups().findByPath(org.id(), "/")).map(Group::id).contains(root);
        assertThat(admin().groups().findByPath(org.id(), "Customer A/Site 9")).isEmpty();
        assertThat(admin().groups().pathOf(org.id(), floor.id())).isEqualTo("Customer A/Site 1/Floor 3");
        assertThat(admin().groups().pathOf(org.id(), root)).isEqualTo("/");
        assertThat(admin().groups().children(org.id(), a.id())).extracting(Group::id).containsExactly(s1.id(), s2.id());
        assertThat(admin().groups().subtree(org.id(), root)).extracting(Group::id)
                .containsExactly(root, a.id(), s1.id(), floor.id(), s2.id(), b.id());
        assertThat(admin().groups().ancestors(org.id(), floor.id())).extracting(Group::id).containsExactly(root, a.id(), s1.id());
    }

    /** Contract: moves a subtree; refuses moving the root, cycles and a name clash in the new parent. */
    @Test
    @DisplayName("moves a subtree; refuses moving the root, cycles and a name clash in the new parent")
    default void moves() {
        NewOrganization org = newOrg();
        GroupId root = org.rootGroup().id();
        Group a = group(org, root, "Customer A");
        Group s1 = group(org, a.id(), "Site 1");
        Group b = group(org, root, "Customer B");

        Group moved = admin().groups().move(ALICE, org.id(), s1.id(), b.id());
        assertThat(moved.parentId()).contains(b.id());
        assertThat(admin().groups().pathOf(org.id(), s1.id())).isEqualTo("Customer B/Site 1");
        assertThat(admin().groups().children(org.id(), a.id())).isEmpty();

        assertThatThrownBy(() -> admin().groups().move(ALICE, org.id(), root, a.id())).isInstanceOf(InvalidMoveException.class);
        assertThatThrownBy(() -> admin().groups().move(ALICE, org.id(), b.id(), s1.id())).isInstanceOf(InvalidMoveException.class);
        assertThatThrownBy(() -> admin().groups().move(ALICE, org.id(), b.id(), b.id())).isInstanceOf(InvalidMoveException.class);
        admin().groups().create(ALICE, org.id(), a.id(), "site 1");
        assertThatThrownBy(() -> admin().groups().move(ALICE, org.id(), s1.id(), a.id())).isInstanceOf(DuplicateNameException.class);
        assertThat(admin().groups().require(org.id(), s1.id()).parentId()).contains(b.id());
    }

    /** Contract: delete is refused while children, agents or keys depend on the group, naming them. */
    @Test
    @DisplayName("delete is refused while children, agents or keys depend on the group, naming them")
    default void deleteBlockers() {
        NewOrganization org = newOrg();
        GroupId root = org.rootGroup().id();
        Group a = group(org, root, "Customer A");
        Group s1 = group(org, a.id(), "Site 1");
        AccessKey key = admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("Site key", s1.id()).build());

        assertThatThrownBy(() -> admin().groups().delete(ALICE, org.id(), a.id()))
                .isInstanceOfSatisfying(GroupNotEmptyException.class, e -> assertThat(e.blockers()).singleElement()
                        .asString().contains("1 child group").contains("Site 1"));
        enroll(key);
        assertThatThrownBy(() -> admin().groups().delete(ALICE, org.id(), s1.id()))
                .isInstanceOfSatisfying(GroupNotEmptyException.class, e -> {
                    assertThat(e.blockers()).hasSize(2);
                    assertThat(e.getMessage()).contains("1 agent").contains(key.id().value());
                });
        assertThatThrownBy(() -> admin().groups().delete(ALICE, org.id(), root)).isInstanceOf(ConflictException.class);

        Group empty = group(org, a.id(), "Site 2");
        admin().groups().delete(ALICE, org.id(), empty.id());
        assertThat(admin().groups().find(org.id(), empty.id())).isEmpty();
        assertThat(admin().groups().children(org.id(), a.id())).extracting(Group::id).containsExactly(s1.id());
        assertThat(auditOf(org.id())).anyMatch(r -> r.event().action() == AuditAction.GROUP_DELETED
                && r.event().subject().equals(Subject.of(empty.id())));
    }

    /** Contract: an edit against a stale version is refused (no lost update). */
    @Test
    @DisplayName("an edit against a stale version is refused (no lost update)")
    default void optimisticVersions() {
        NewOrganization org = newOrg();
        GroupId root = org.rootGroup().id();
        Group a = group(org, root, "Customer A");
        assertThat(a.version()).isZero();
        Group renamed = admin().groups().rename(ALICE, org.id(), a.id(), "Customer A1", 0);
        assertThat(renamed.version()).isEqualTo(1);
        assertThatThrownBy(() -> admin().groups().rename(ALICE, org.id(), a.id(), "Customer A2", 0))
                .isInstanceOf(StaleVersionException.class);
        assertThatThrownBy(() -> admin().groups().move(ALICE, org.id(), a.id(), root, 0)).isInstanceOf(StaleVersionException.class);
        assertThatThrownBy(() -> admin().groups().delete(ALICE, org.id(), a.id(), 0)).isInstanceOf(StaleVersionException.class);
        assertThat(admin().groups().require(org.id(), a.id()).name()).isEqualTo("Customer A1");
    }
}
