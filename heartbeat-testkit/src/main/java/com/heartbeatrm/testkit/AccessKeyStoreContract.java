package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.AccessKeyStatus;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.KeyLifetimeLimit;
import com.heartbeatrm.core.NetworkAllowList;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.StaleVersionException;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Access keys: every attribute stored, bad input refused, maxKeyLifetime, computed status, changes audited, versions, paging. */
@DisplayName("access keys")
public interface AccessKeyStoreContract extends StoreContract {
    /** Contract: stores every attribute of a key and reads it back. */
    @Test
    @DisplayName("stores every attribute of a key and reads it back")
    default void createRoundTrip() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        AccessKey key = admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("Customer A Access Key", a.id())
                .expiresIn(Duration.ofDays(7)).maxUses(5).networks(NetworkAllowList.parse("192.168.0.0/16,fd00::/8"))
                .platforms(PlatformSet.of(Platform.WINDOWS)).build());
        AccessKey read = admin().accessKeys().require(org.id(), key.id());
        assertThat(read).isEqualTo(key);
        assertThat(read.expiresAt()).contains(clock().instant().plus(Duration.ofDays(7)));
        assertThat(read.createdBy()).isEqualTo(ALICE);
        assertThat(read.id().value()).startsWith("hbk_").hasSize(26);
        assertThat(admin().accessKeys().listByGroup(org.id(), a.id())).containsExactly(key);
    }

    /** Contract: refuses an expiry in the past, zero uses, and restrictions that widen the group's. */
    @Test
    @DisplayName("refuses an expiry in the past, zero uses, and restrictions that widen the group's")
    default void badInput() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        assertThatThrownBy(() -> admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id())
                .expiresAt(clock().instant().minusSeconds(1)).build())).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> AccessKeySpec.builder("k", a.id()).maxUses(0)).isInstanceOf(InvalidInputException.class);
        admin().groups().setOverride(ALICE, org.id(), a.id(), SecuritySetting.ALLOWED_NETWORKS, NetworkAllowList.parse("10.0.0.0/8"));
        assertThatThrownBy(() -> admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id())
                .networks(NetworkAllowList.parse("11.0.0.0/8")).build())).isInstanceOf(InvalidInputException.class);
        AccessKey narrow = admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id())
                .networks(NetworkAllowList.parse("10.1.0.0/16")).build());
        assertThat(narrow.restrictions().networks()).contains(NetworkAllowList.parse("10.1.0.0/16"));
        assertThat(admin().accessKeys().listByGroup(org.id(), a.id())).containsExactly(narrow);
    }

    /** Contract: an expiry must respect the target group's maxKeyLifetime, also when re-pointing. */
    @Test
    @DisplayName("an expiry must respect the target group's maxKeyLifetime, also when re-pointing")
    default void maxKeyLifetime() {
        NewOrganization org = newOrg();
        group(org, "Customer A");
        Group strict = group(org, "Strict");
        admin().groups().setOverride(ALICE, org.id(), strict.id(), SecuritySetting.MAX_KEY_LIFETIME, KeyLifetimeLimit.of(Duration.ofDays(30)));
        assertThatThrownBy(() -> admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", strict.id()).build()))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", strict.id())
                .expiresIn(Duration.ofDays(31)).build())).isInstanceOf(InvalidInputException.class);
        admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", strict.id()).expiresIn(Duration.ofDays(30)).build());
        assertThatThrownBy(() -> admin().accessKeys().repoint(ALICE, org.id(), org.defaultKey().id(), strict.id()))
                .isInstanceOf(InvalidInputException.class);
    }

    /** Contract: status is computed: disabled, expired, exhausted; disable records who, when and why. */
    @Test
    @DisplayName("status is computed: disabled, expired, exhausted; disable records who, when and why")
    default void status() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        AccessKey key = admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k", a.id())
                .expiresIn(Duration.ofHours(2)).maxUses(1).build());
        assertThat(admin().accessKeys().status(key)).isEqualTo(AccessKeyStatus.ENABLED);

        AccessKey disabled = admin().accessKeys().disable(Actor.of("bob"), org.id(), key.id(), "laptop stolen");
        assertThat(admin().accessKeys().status(disabled)).isEqualTo(AccessKeyStatus.DISABLED);
        AccessKey read = admin().accessKeys().require(org.id(), key.id());
        assertThat(read.disabled()).hasValueSatisfying(d -> {
            assertThat(d.by()).isEqualTo(Actor.of("bob"));
            assertThat(d.reason()).isEqualTo("laptop stolen");
            assertThat(d.at()).isEqualTo(clock().instant());
        });
        assertThat(admin().accessKeys().status(admin().accessKeys().enable(ALICE, org.id(), key.id()))).isEqualTo(AccessKeyStatus.ENABLED);

        assertThat(enroll(admin().accessKeys().require(org.id(), key.id()))).isInstanceOf(EnrollmentCommit.Enrolled.class);
        assertThat(admin().accessKeys().status(admin().accessKeys().require(org.id(), key.id()))).isEqualTo(AccessKeyStatus.EXHAUSTED);
        clock().advance(Duration.ofHours(2));
        assertThat(admin().accessKeys().status(admin().accessKeys().require(org.id(), key.id()))).isEqualTo(AccessKeyStatus.EXPIRED);
    }

    /** Contract: rename, re-point and delete are stored and audited; enrolled agents are untouched. */
    @Test
    @DisplayName("rename, re-point and delete are stored and audited; enrolled agents are untouched")
    default void changes() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        AccessKey key = keyFor(a);
        Agent agent = enrolledAgent(key);
        Group b = group(org, "Customer B");

        assertThat(admin().accessKeys().rename(ALICE, org.id(), key.id(), "Renamed").name()).isEqualTo("Renamed");
        AccessKey repointed = admin().accessKeys().repoint(ALICE, org.id(), key.id(), b.id());
        assertThat(repointed.groupId()).isEqualTo(b.id());
        assertThat(repointed.useCount()).isEqualTo(1);
        assertThat(admin().agents().require(org.id(), agent.id()).groupId()).isEqualTo(a.id());
        admin().accessKeys().delete(ALICE, org.id(), key.id());
        assertThat(admin().accessKeys().find(org.id(), key.id())).isEmpty();
        assertThat(admin().agents().require(org.id(), agent.id()).status()).isEqualTo(AgentStatus.ACTIVE);
        assertThat(auditOf(org.id())).extracting(r -> r.event().action())
                .contains(AuditAction.KEY_RENAMED, AuditAction.KEY_REPOINTED, AuditAction.KEY_DELETED);
    }

    /** Contract: an admin edit against a stale version is refused; enrollments do not make edits stale. */
    @Test
    @DisplayName("an admin edit against a stale version is refused; enrollments do not make edits stale")
    default void optimisticVersions() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        AccessKey key = keyFor(a);
        enroll(key);
        admin().accessKeys().rename(ALICE, org.id(), key.id(), "first", 0);
        assertThatThrownBy(() -> admin().accessKeys().disable(ALICE, org.id(), key.id(), "late", 0))
                .isInstanceOf(StaleVersionException.class);
        assertThat(admin().accessKeys().require(org.id(), key.id()).disabled()).isEmpty();
    }

    /** Contract: lists keys oldest first across pages. */
    @Test
    @DisplayName("lists keys oldest first across pages")
    default void paging() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        List<AccessKeyId> created = new ArrayList<>();
        created.add(org.defaultKey().id());
        for (int i = 0; i < 7; i++) {
            clock().advance(Duration.ofMillis(1));
            created.add(admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("k" + i, a.id()).build()).id());
        }
        List<AccessKeyId> listed = new ArrayList<>();
        PageRequest request = PageRequest.first(3);
        Page<AccessKey> page;
        do {
            page = admin().accessKeys().list(org.id(), request);
            page.items().forEach(k -> listed.add(k.id()));
            request = request.next(page);
        } while (page.hasNext());
        assertThat(listed).containsExactlyElementsOf(created);
    }
}
