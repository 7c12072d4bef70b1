package com.heartbeatrm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The seed's own story, on the admin API: keys decide where agents land. */
class HeartbeatAdminTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-05-01T09:00:00Z"), ZoneOffset.UTC);
    private final InMemoryHeartbeatStore store = new InMemoryHeartbeatStore();
    private final HeartbeatAdmin admin = HeartbeatAdmin.of(store, clock);
    private final Actor alice = Actor.of("alice");

    @Test
    @DisplayName("create a key for Customer A: it points at Customer A, the default key still points at the root")
    void seedScenario() {
        NewOrganization acme = admin.organizations().setUp(alice, "Acme MSP");
        Group customerA = admin.groups().create(alice, acme.id(), acme.rootGroup().id(), "Customer A");
        AccessKey key = admin.accessKeys().create(alice, acme.id(), AccessKeySpec.builder("Customer A Access Key", customerA.id()).build());

        assertThat(admin.groups().pathOf(acme.id(), key.groupId())).isEqualTo("Customer A");
        assertThat(admin.accessKeys().defaultKey(acme.id())).hasValueSatisfying(d -> {
            assertThat(d.groupId()).isEqualTo(acme.rootGroup().id());
            assertThat(d.name()).isEqualTo(Organizations.DEFAULT_KEY_NAME);
        });
        assertThat(admin.accessKeys().list(acme.id(), PageRequest.first(10)).items()).extracting(AccessKey::name)
                .containsExactlyInAnyOrder("Default access key", "Customer A Access Key");
    }

    @Test
    @DisplayName("bad input is refused with a typed error and leaves the store unchanged")
    void badInputLeavesStoreUnchanged() {
        NewOrganization acme = admin.organizations().setUp(alice, "Acme MSP");
        long auditBefore = admin.audit().query(AuditQuery.all(acme.id())).items().size();
        GroupId root = acme.rootGroup().id();

        assertThatThrownBy(() -> admin.groups().create(alice, acme.id(), GroupId.random(), "x")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> admin.groups().create(alice, acme.id(), root, "")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin.groups().create(alice, acme.id(), root, "x".repeat(101))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin.groups().create(null, acme.id(), root, "x")).as("misuse: NPE for null").isInstanceOf(NullPointerException.class)
                .hasMessageContaining("actor");
        assertThatThrownBy(() -> admin.groups().create(alice, OrganizationId.random(), root, "x")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> admin.accessKeys().disable(alice, acme.id(), AccessKeyId.random(), "r")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> admin.groups().setOverride(alice, acme.id(), root, SecuritySetting.ALLOWED_NETWORKS,
                NetworkAllowList.parse("10.0.0.1/8"))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin.groups().requireByPath(acme.id(), "No/Such")).isInstanceOf(NotFoundException.class);

        assertThat(admin.groups().subtree(acme.id(), root)).hasSize(1);
        assertThat(admin.audit().query(AuditQuery.all(acme.id())).items()).hasSize((int) auditBefore);
    }

    @Test
    @DisplayName("a group stored with an id-shaped name before the rule still loads, lists, and can be renamed to a proper name")
    void idShapedNamesStoredBeforeStillLoad() {
        NewOrganization acme = admin.organizations().setUp(alice, "Acme MSP");
        GroupId root = acme.rootGroup().id();
        String shaped = GroupId.random().value();
        Group legacy = new Group(GroupId.random(), acme.id(), Optional.of(root), shaped, GroupSettings.NONE, java.time.Instant.now(), 0);
        store.groups().insert(legacy, AuditEvent.of(java.time.Instant.now(), acme.id(), alice, AuditAction.GROUP_CREATED, Subject.of(legacy.id()),
                Map.of(), Map.of()));
        assertThat(admin.groups().require(acme.id(), legacy.id()).name()).isEqualTo(shaped);
        assertThat(admin.groups().subtree(acme.id(), root)).hasSize(2);
        assertThat(admin.groups().rename(alice, acme.id(), legacy.id(), "Legacy site").name()).isEqualTo("Legacy site");
    }

    @Test
    @DisplayName("a name shaped like another object's id is refused on every path that sets a name, and nothing is stored")
    void idShapedNamesAreRefused() {
        NewOrganization acme = admin.organizations().setUp(alice, "Acme MSP");
        GroupId root = acme.rootGroup().id();
        Group site = admin.groups().create(alice, acme.id(), root, "Site 1");
        AccessKey key = admin.accessKeys().create(alice, acme.id(), AccessKeySpec.builder("Site 1 key", site.id()).build());
        long auditBefore = admin.audit().query(AuditQuery.all(acme.id())).items().size();

        assertThatThrownBy(() -> admin.organizations().setUp(alice, acme.id().value())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("organization name");
        assertThatThrownBy(() -> admin.groups().create(alice, acme.id(), root, site.id().value())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin.groups().create(alice, acme.id(), root, key.id().value())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin.groups().rename(alice, acme.id(), site.id(), root.value())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin.accessKeys().rename(alice, acme.id(), key.id(), acme.defaultKey().id().value()))
                .isInstanceOf(InvalidInputException.class).extracting(e -> ((InvalidInputException) e).field()).isEqualTo("name");

        assertThat(admin.organizations().list(PageRequest.first(10)).items()).extracting(Organization::name).containsExactly("Acme MSP");
        assertThat(admin.organizations().findByName(acme.id().value())).isEmpty();
        assertThat(admin.groups().require(acme.id(), site.id()).name()).isEqualTo("Site 1");
        assertThat(admin.accessKeys().require(acme.id(), key.id()).name()).isEqualTo("Site 1 key");
        assertThat(admin.groups().subtree(acme.id(), root)).hasSize(2);
        assertThat(admin.audit().query(AuditQuery.all(acme.id())).items()).hasSize((int) auditBefore);
    }
}
