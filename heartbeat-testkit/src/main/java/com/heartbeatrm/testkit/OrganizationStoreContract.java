package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.DuplicateNameException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Organization setup: the organization, its root group and default key in one atomic step; names unique case-insensitively; paging. */
@DisplayName("organization setup")
public interface OrganizationStoreContract extends StoreContract {
    /** Contract: creates the organization, its root group and a default key pointing at the root, audited. */
    @Test
    @DisplayName("creates the organization, its root group and a default key pointing at the root, audited")
    default void setUpCreatesRootAndDefaultKey() {
        NewOrganization acme = admin().organizations().setUp(ALICE, uniqueName("Acme MSP"));

        Organization org = admin().organizations().require(acme.id());
        assertThat(org).isEqualTo(acme.organization());
        Group root = admin().groups().require(acme.id(), org.rootGroupId());
        assertThat(root.isRoot()).isTrue();
        assertThat(root.name()).isEqualTo(org.name());
        AccessKey key = admin().accessKeys().require(acme.id(), acme.defaultKey().id());
        assertThat(key.isDefault()).isTrue();
        assertThat(key.groupId()).isEqualTo(root.id());
        assertThat(admin().accessKeys().status(key)).isEqualTo(AccessKeyStatus.ENABLED);
        assertThat(admin().accessKeys().defaultKey(acme.id())).contains(key);
        assertThat(auditOf(acme.id())).extracting(r -> r.event().action())
                .containsExactly(AuditAction.ORGANIZATION_CREATED, AuditAction.GROUP_CREATED, AuditAction.KEY_CREATED);
    }

    /** Contract: finds organizations by name case-insensitively and refuses a duplicate name, storing nothing. */
    @Test
    @DisplayName("finds organizations by name case-insensitively and refuses a duplicate name, storing nothing")
    default void duplicateNameRefused() {
        String name = uniqueName("Acme");
        NewOrganization acme = admin().organizations().setUp(ALICE, name);
        assertThat(admin().organizations().findByName(name.toUpperCase(java.util.Locale.ROOT))).contains(acme.organization());
        assertThatThrownBy(() -> admin().organizations().setUp(ALICE, "  " + name.toLowerCase(java.util.Locale.ROOT) + " "))
                .isInstanceOf(DuplicateNameException.class);
        assertThat(admin().organizations().findByName(name)).contains(acme.organization());
        assertThat(auditOf(acme.id())).hasSize(3);
    }

    /** Contract: lists organizations oldest first across pages. */
    @Test
    @DisplayName("lists organizations oldest first across pages")
    default void listsInPages() {
        List<OrganizationId> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(newOrg().id());
            clock().advance(Duration.ofSeconds(1));
        }
        List<OrganizationId> listed = new ArrayList<>();
        PageRequest request = PageRequest.first(2);
        Page<Organization> page;
        do {
            page = admin().organizations().list(request);
            assertThat(page.items().size()).isLessThanOrEqualTo(2);
            page.items().forEach(o -> listed.add(o.id()));
            request = request.next(page);
        } while (page.hasNext());
        assertThat(listed).containsSubsequence(created);
        assertThat(new HashSet<>(listed)).hasSize(listed.size());
    }
}
