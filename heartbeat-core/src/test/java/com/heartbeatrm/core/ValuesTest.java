package com.heartbeatrm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {

    @Test
    @DisplayName("CIDRs parse in IPv4 and IPv6, print canonically and test membership")
    void cidrs() throws Exception {
        Cidr v4 = Cidr.parse(" 10.0.0.0/8 ");
        assertThat(v4).hasToString("10.0.0.0/8");
        assertThat(v4.contains(InetAddress.getByName("10.200.1.1"))).isTrue();
        assertThat(v4.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(v4.contains(InetAddress.getByName("::1"))).isFalse();
        Cidr v6 = Cidr.parse("2001:db8::/32");
        assertThat(v6.isIpv6()).isTrue();
        assertThat(v6.contains(InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(v6.contains(Cidr.parse("2001:db8:ff00::/40"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/40").contains(v6)).isFalse();
        assertThat(Cidr.parse("192.168.1.7")).isEqualTo(Cidr.parse("192.168.1.7/32"));
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0/33", "10.0.0.1/8", "256.1.1.1", "10.0.0/8", "example.com", "10.0.0.0/", "10.0.0.0/08",
        "::ffff:10.0.0.0/104", "1:2:3:4:5:6:7:8:9/64", "2001:db8::/129", "10.0.0.0/8/8", "-1.0.0.0/8", "localhost"})
    @DisplayName("malformed CIDRs are refused with a message saying what is wrong")
    void badCidrs(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("cidr: ");
    }

    @Test
    @DisplayName("host bits set: the error suggests the network")
    void hostBitsSuggestion() {
        assertThatThrownBy(() -> Cidr.parse("10.1.2.3/8")).hasMessageContaining("did you mean 10.0.0.0/8");
    }

    @Test
    @DisplayName("network allow lists: any, parsing, narrowing")
    void networkLists() throws Exception {
        NetworkAllowList list = NetworkAllowList.parse("10.0.0.0/8, 2001:db8::/32,10.0.0.0/8");
        assertThat(list.cidrs()).hasSize(2);
        assertThat(NetworkAllowList.parse(list.toString())).isEqualTo(list);
        assertThat(NetworkAllowList.ANY).hasToString("any");
        assertThat(NetworkAllowList.parse("ANY")).isEqualTo(NetworkAllowList.ANY);
        assertThat(NetworkAllowList.ANY.covers(list)).isTrue();
        assertThat(list.covers(NetworkAllowList.ANY)).isFalse();
        assertThat(list.covers(NetworkAllowList.parse("10.9.0.0/16"))).isTrue();
        assertThat(list.allows(InetAddress.getByName("192.0.2.1"))).isFalse();
        assertThatThrownBy(() -> NetworkAllowList.parse("")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> NetworkAllowList.parse("10.0.0.0/8,")).isInstanceOf(InvalidInputException.class);
    }

    @Test
    @DisplayName("settings parse and format their text form; out-of-range values are refused")
    void settingText() {
        assertThat(SecuritySetting.REQUIRE_APPROVAL.parse("on")).isTrue();
        assertThat(SecuritySetting.AGENT_CREDENTIAL_TTL.parse("6h")).isEqualTo(Duration.ofHours(6));
        assertThat(SecuritySetting.AGENT_CREDENTIAL_TTL.parse("PT30M")).isEqualTo(Duration.ofMinutes(30));
        assertThat(SecuritySetting.MAX_KEY_LIFETIME.parse("unlimited")).isEqualTo(KeyLifetimeLimit.UNLIMITED);
        assertThat(SecuritySetting.MAX_KEY_LIFETIME.parse("30d")).isEqualTo(KeyLifetimeLimit.of(Duration.ofDays(30)));
        assertThat(SecuritySetting.ALLOWED_PLATFORMS.parse("linux, Windows")).isEqualTo(PlatformSet.of(Platform.LINUX, Platform.WINDOWS));
        assertThat(SecuritySetting.ALLOWED_PLATFORMS.format(PlatformSet.ALL)).isEqualTo("all");
        assertThat(SecuritySetting.byName("requireapproval")).contains(SecuritySetting.REQUIRE_APPROVAL);
        assertThat(SecuritySetting.byName("nope")).isEmpty();
        assertThatThrownBy(() -> SecuritySetting.REQUIRE_APPROVAL.parse("maybe")).hasMessageContaining("requireApproval");
        assertThatThrownBy(() -> SecuritySetting.AGENT_CREDENTIAL_TTL.parse("1m")).hasMessageContaining("between 5 minutes");
        assertThatThrownBy(() -> SecuritySetting.AGENT_CREDENTIAL_TTL.parse("forever")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> SecuritySetting.MAX_KEY_LIFETIME.parse("0s")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> SecuritySetting.ALLOWED_PLATFORMS.parse("beos")).hasMessageContaining("windows, macos, linux");
        assertThatThrownBy(() -> GroupSettings.NONE.withOverride(SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofDays(400)))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    @DisplayName("group settings round-trip through their text form")
    void groupSettingsText() {
        GroupSettings s = GroupSettings.NONE.withOverride(SecuritySetting.ALLOWED_NETWORKS, NetworkAllowList.parse("fd00::/8"))
                .withOverride(SecuritySetting.AGENT_CREDENTIAL_TTL, Duration.ofMinutes(90))
                .withLock(SecuritySetting.REQUIRE_APPROVAL, true);
        java.util.Set<String> locked = new java.util.HashSet<>();
        s.locked().forEach(l -> locked.add(l.name()));
        assertThat(GroupSettings.fromText(s.overridesAsText(), locked)).isEqualTo(s);
        assertThatThrownBy(() -> GroupSettings.fromText(java.util.Map.of("bogus", "1"), java.util.Set.of()))
                .hasMessageContaining("unknown setting");
    }

    @Test
    @DisplayName("ids are prefixed, 128-bit, URL-safe, and strictly parsed")
    void ids() {
        AccessKeyId id = AccessKeyId.random();
        assertThat(id.value()).matches("hbk_[A-Za-z0-9_-]{22}");
        assertThat(AccessKeyId.parse(id.value())).isEqualTo(id);
        assertThat(AccessKeyId.random()).isNotEqualTo(id);
        assertThatThrownBy(() -> AccessKeyId.parse("grp_" + id.value().substring(4))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> AccessKeyId.parse(id.value() + "A")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> AccessKeyId.parse("hbk_../../etc/passwd...")).isInstanceOf(InvalidInputException.class);
        // The 22nd character must leave the unused low bits zero: one id, one spelling.
        String nonCanonical = id.value().substring(0, 25) + "B";
        assertThatThrownBy(() -> AccessKeyId.parse(nonCanonical)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> GroupId.parse(null)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    @DisplayName("names: trimmed, bounded, no control or invisible characters; errors escape what they echo")
    void names() {
        assertThat(Group.checkName("  Site 1\t")).isEqualTo("Site 1");
        assertThatThrownBy(() -> Group.checkName("a\u202eb")).hasMessageContaining("U+202E");
        assertThatThrownBy(() -> Group.checkName("a\nb")).hasMessageContaining("U+000A");
        assertThatThrownBy(() -> Actor.of("")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> GroupId.parse("x\u0000y")).hasMessageContaining("\\u0000");
    }

    @Test
    @DisplayName("names never have the shape of an id, of any kind, in any ASCII case, once trimmed")
    void namesAreNotIds() {
        String body = OrganizationId.random().value().substring(4);
        for (String prefix : List.of("org_", "grp_", "hbk_", "agt_", "ins_", "hbs_", "ORG_", "Grp_")) {
            String shaped = prefix + body;
            assertThat(IdShape.matches(shaped)).as(shaped).isTrue();
            for (ThrowingCallable check : List.<ThrowingCallable>of(() -> Organization.checkNewName(shaped), () -> Group.checkNewName(shaped),
                    () -> AccessKey.checkNewName(" " + shaped + "\t"), () -> AccessKeySpec.builder(shaped, GroupId.random()).build())) {
                assertThatThrownBy(check).as(shaped).isInstanceOf(InvalidInputException.class).hasMessageContaining("must not look like an id");
            }
        }
        // The shape, not only the canonical ids: a last character with low bits set still reads as an id.
        assertThatThrownBy(() -> Group.checkNewName("grp_" + body.substring(0, 21) + "B")).isInstanceOf(InvalidInputException.class);
        // A name stored before the rule still reads: the records take it, only new names are held to the rule.
        assertThat(new Organization(OrganizationId.random(), "org_" + body, GroupId.random(), java.time.Instant.EPOCH).name())
                .isEqualTo("org_" + body);
        assertThat(Group.checkName("grp_" + body)).isEqualTo("grp_" + body);
        // What is near an id but not one stays a valid name; other text rules (actors, host names) are unaffected.
        for (String near : List.of("org_" + body.substring(1), "org_" + body + "A", "org-" + body, "org_" + body.substring(1) + ".",
                "Org " + body, "abc_" + body)) {
            assertThat(IdShape.matches(near)).as(near).isFalse();
            assertThat(Organization.checkNewName(near)).isEqualTo(near);
            assertThat(Group.checkNewName(near)).isEqualTo(near);
            assertThat(AccessKey.checkNewName(near)).isEqualTo(near);
        }
        assertThat(Actor.of("org_" + body).name()).isEqualTo("org_" + body);
        assertThat(IdShape.matches(null)).isFalse();
    }

    @Test
    @DisplayName("key status: disabled wins over expired, expired over exhausted")
    void keyStatusPrecedence() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        AccessKey key = new AccessKey(AccessKeyId.random(), OrganizationId.random(), "k", GroupId.random(), false, now,
                Actor.SYSTEM, Optional.of(now.plusSeconds(10)), java.util.OptionalLong.of(1), 1, Optional.of(now),
                Optional.empty(), KeyRestrictions.NONE, Optional.empty(), 0);
        assertThat(key.status(now)).isEqualTo(AccessKeyStatus.EXHAUSTED);
        assertThat(key.status(now.plusSeconds(10))).isEqualTo(AccessKeyStatus.EXPIRED);
        assertThat(key.withDisabled(Optional.of(new Disablement(now, Actor.SYSTEM, null))).status(now.plusSeconds(10)))
                .isEqualTo(AccessKeyStatus.DISABLED);
        assertThatThrownBy(() -> new AccessKey(key.id(), key.organizationId(), "k", key.groupId(), false, now, Actor.SYSTEM,
                Optional.empty(), java.util.OptionalLong.of(0), 0, Optional.empty(), Optional.empty(), KeyRestrictions.NONE,
                Optional.empty(), 0)).hasMessageContaining("maxUses");
    }

    @Test
    @DisplayName("secret bytes: readable only with explicit access, never printed, compared in constant time")
    void secrets() {
        byte[] raw = {1, 2, 3, 4};
        SecretBytes s = SecretBytes.copyOf(raw, SecretAccess.grant());
        raw[0] = 9;
        assertThat(s.toByteArray(SecretAccess.grant())).containsExactly(1, 2, 3, 4);
        assertThat(s.equalsSecret(SecretBytes.copyOf(new byte[] {1, 2, 3, 4}, SecretAccess.grant()))).isTrue();
        assertThat(s).isNotEqualTo(SecretBytes.copyOf(new byte[] {1, 2, 3, 4}, SecretAccess.grant()));
        assertThat(s.toString()).isEqualTo("SecretBytes[4 bytes, redacted]");
        assertThatThrownBy(() -> s.toByteArray(null)).isInstanceOf(InvalidInputException.class);
        s.destroy();
        assertThat(s.toByteArray(SecretAccess.grant())).containsOnly(0);
    }
}
