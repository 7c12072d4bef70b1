package com.heartbeatrm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupSettings;
import com.heartbeatrm.core.KeyLifetimeLimit;
import com.heartbeatrm.core.NetworkAllowList;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.SettingLockedException;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Security settings: stored exactly, inherited with their origin, locks that win, inheritance that follows a move. */
@DisplayName("security settings")
public interface GroupSettingsContract extends StoreContract {
    /** Contract: every setting's override and lock is stored and read back exactly. */
    @Test
    @DisplayName("every setting's override and lock is stored and read back exactly")
    default void settingsPersist() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        group(org, a.id(), "Site 1");
        GroupSettings s = GroupSettings.NONE
                .withOverride(SecuritySetting.REQUIRE_APPROVAL, true)
                .withOverride(SecuritySetting.ALLOWED_NETWORKS, NetworkAllowList.parse("10.0.0.0/8, 2001:db8::/32"))
                .withOverride(SecuritySetting.ALLOWED_PLATFORMS, PlatformSet.of(Platform.WINDOWS, Platform.MACOS))
                .withOverride(SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofHours(6))
                .withOverride(SecuritySetting.MAX_KEY_LIFETIME, KeyLifetimeLimit.of(Duration.ofDays(30)))
                .withLock(SecuritySetting.ALLOWED_NETWORKS, true)
                .withLock(SecuritySetting.MAX_KEY_LIFETIME, true);
        admin().groups().changeSettings(ALICE, org.id(), a.id(), s, 0);
        assertThat(admin().groups().require(org.id(), a.id()).settings()).isEqualTo(s);
    }

    /** Contract: values are inherited, overridden and reported with their origin. */
    @Test
    @DisplayName("values are inherited, overridden and reported with their origin")
    default void inheritance() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        Group site = group(org, a.id(), "Site 1");
        var eff = admin().groups().effectiveSettings(org.id(), site.id());
        assertThat(eff.requireApproval()).isFalse();
        assertThat(eff.agentCredentialTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(eff.resolved(SecuritySetting.REQUIRE_APPROVAL).describeSource()).isEqualTo("default");

        admin().groups().setOverride(ALICE, org.id(), a.id(), SecuritySetting.REQUIRE_APPROVAL, true);
        eff = admin().groups().effectiveSettings(org.id(), site.id());
        assertThat(eff.requireApproval()).isTrue();
        assertThat(eff.resolved(SecuritySetting.REQUIRE_APPROVAL).describeSource()).isEqualTo("inherited from Customer A");

        admin().groups().setOverride(ALICE, org.id(), site.id(), SecuritySetting.REQUIRE_APPROVAL, false);
        eff = admin().groups().effectiveSettings(org.id(), site.id());
        assertThat(eff.requireApproval()).isFalse();
        assertThat(eff.resolved(SecuritySetting.REQUIRE_APPROVAL).describeSource()).isEqualTo("set here");

        admin().groups().clearOverride(ALICE, org.id(), site.id(), SecuritySetting.REQUIRE_APPROVAL);
        assertThat(admin().groups().effectiveSettings(org.id(), site.id()).requireApproval()).isTrue();
    }

    /** Contract: a lock on an ancestor refuses descendant overrides, naming the ancestor, and wins over old ones. */
    @Test
    @DisplayName("a lock on an ancestor refuses descendant overrides, naming the ancestor, and wins over old ones")
    default void locks() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        Group site = group(org, a.id(), "Site 1");
        admin().groups().setOverride(ALICE, org.id(), site.id(), SecuritySetting.ALLOWED_PLATFORMS, PlatformSet.of(Platform.LINUX));
        admin().groups().setLocked(ALICE, org.id(), a.id(), SecuritySetting.ALLOWED_PLATFORMS, true);

        assertThatThrownBy(() -> admin().groups().setOverride(ALICE, org.id(), site.id(), SecuritySetting.ALLOWED_PLATFORMS,
                PlatformSet.of(Platform.WINDOWS)))
                .isInstanceOfSatisfying(SettingLockedException.class, e -> {
                    assertThat(e.lockedBy()).isEqualTo(a.id());
                    assertThat(e.getMessage()).contains("Customer A");
                });
        var eff = admin().groups().effectiveSettings(org.id(), site.id()).resolved(SecuritySetting.ALLOWED_PLATFORMS);
        assertThat(eff.value()).isEqualTo(PlatformSet.ALL);
        assertThat(eff.describeSource()).isEqualTo("default, locked by Customer A");
        // Other settings of the same group remain editable.
        admin().groups().setOverride(ALICE, org.id(), site.id(), SecuritySetting.REQUIRE_APPROVAL, true);
        // The group that holds the lock may still change its own value.
        admin().groups().setOverride(ALICE, org.id(), a.id(), SecuritySetting.ALLOWED_PLATFORMS, PlatformSet.of(Platform.MACOS));
        assertThat(admin().groups().effectiveSettings(org.id(), site.id()).allowedPlatforms()).isEqualTo(PlatformSet.of(Platform.MACOS));
    }

    /** Contract: a moved group's effective settings follow its new parent. */
    @Test
    @DisplayName("a moved group's effective settings follow its new parent")
    default void moveChangesInheritance() {
        NewOrganization org = newOrg();
        Group a = group(org, "Customer A");
        Group site = group(org, a.id(), "Site 1");
        Group b = group(org, "Customer B");
        admin().groups().setOverride(ALICE, org.id(), b.id(), SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofHours(1));
        admin().groups().move(ALICE, org.id(), site.id(), b.id());
        assertThat(admin().groups().effectiveSettings(org.id(), site.id()).agentCredentialTtl()).isEqualTo(Duration.ofHours(1));
    }
}
