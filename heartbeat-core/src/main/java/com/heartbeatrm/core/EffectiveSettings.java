package com.heartbeatrm.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The security settings in force for one group, each with its origin.
 *
 * <p>Resolution walks the path from the root down to the group, so it costs O(depth) whatever the size of
 * the tree. For each setting the value starts as the default; a group on the path that overrides it replaces
 * the value unless a group above it has locked the setting; once locked, the value is frozen for everything
 * below. A lock therefore wins over an override that a descendant already had (the override stays stored but
 * is shadowed) and the admin API refuses new overrides beneath a lock.
 */
public final class EffectiveSettings {
    private final GroupId groupId;
    private final Map<SecuritySetting<?>, ResolvedSetting<?>> resolved;

    private EffectiveSettings(GroupId groupId, Map<SecuritySetting<?>, ResolvedSetting<?>> resolved) {
        this.groupId = groupId;
        this.resolved = resolved;
    }

    /**
     * Resolves the settings of the last group of {@code pathFromRoot}, which must list the root first and each
     * following group as the child of the one before it.
     *
     * @param pathFromRoot the root, then each group down to the target
     * @return the target group's settings
     * @throws IllegalArgumentException when the path does not start at the root or is not a parent-child chain
     */
    public static EffectiveSettings resolve(List<Group> pathFromRoot) {
        if (pathFromRoot.isEmpty() || !pathFromRoot.get(0).isRoot()) {
            throw new IllegalArgumentException("path must start at the root group");
        }
        for (int i = 1; i < pathFromRoot.size(); i++) {
            if (!pathFromRoot.get(i).parentId().equals(Optional.of(pathFromRoot.get(i - 1).id()))) {
                throw new IllegalArgumentException("path is not a chain of parent and child groups");
            }
        }
        Group target = pathFromRoot.get(pathFromRoot.size() - 1);
        Map<SecuritySetting<?>, ResolvedSetting<?>> out = new LinkedHashMap<>();
        for (SecuritySetting<?> setting : SecuritySetting.all()) {
            out.put(setting, resolveOne(setting, pathFromRoot, target.id()));
        }
        return new EffectiveSettings(target.id(), Collections.unmodifiableMap(out));
    }

    private static <T> ResolvedSetting<T> resolveOne(SecuritySetting<T> setting, List<Group> path, GroupId target) {
        T value = setting.defaultValue();
        SettingSource source = new SettingSource.Default();
        SettingSource.FromGroup lockedBy = null;
        for (Group g : path) {
            if (lockedBy != null) {
                break;
            }
            Optional<T> override = g.settings().override(setting);
            if (override.isPresent()) {
                value = override.get();
                source = new SettingSource.FromGroup(g.id(), g.name());
            }
            if (g.settings().isLocked(setting)) {
                lockedBy = new SettingSource.FromGroup(g.id(), g.name());
            }
        }
        return new ResolvedSetting<>(setting, value, source, Optional.ofNullable(lockedBy), target);
    }

    /**
     * The group these settings are in force for.
     *
     * @return the last group of the resolved path
     */
    public GroupId groupId() {
        return groupId;
    }

    /**
     * One setting with its value, the group it comes from and the lock that froze it.
     *
     * @param <T> the setting's value type
     * @param setting the setting
     * @return its resolution
     */
    public <T> ResolvedSetting<T> resolved(SecuritySetting<T> setting) {
        @SuppressWarnings("unchecked")
        ResolvedSetting<T> r = (ResolvedSetting<T>) Objects.requireNonNull(resolved.get(setting), "every setting is resolved");
        return r;
    }

    /**
     * The value in force for one setting.
     *
     * @param <T> the setting's value type
     * @param setting the setting
     * @return the value, the default when no group on the path overrides it
     */
    public <T> T value(SecuritySetting<T> setting) {
        return resolved(setting).value();
    }

    /**
     * Whether new agents of this group wait for an admin's approval ({@link SecuritySetting#REQUIRE_APPROVAL}).
     *
     * @return true when approval is required
     */
    public boolean requireApproval() {
        return value(SecuritySetting.REQUIRE_APPROVAL);
    }

    /**
     * The source networks enrollment is admitted from ({@link SecuritySetting#ALLOWED_NETWORKS}).
     *
     * @return the allow-list
     */
    public NetworkAllowList allowedNetworks() {
        return value(SecuritySetting.ALLOWED_NETWORKS);
    }

    /**
     * The agent platforms admitted ({@link SecuritySetting#ALLOWED_PLATFORMS}).
     *
     * @return the platforms
     */
    public PlatformSet allowedPlatforms() {
        return value(SecuritySetting.ALLOWED_PLATFORMS);
    }

    /**
     * How long an agent credential is valid ({@link SecuritySetting#AGENT_CREDENTIAL_TTL}).
     *
     * @return the lifetime of a newly issued credential
     */
    public java.time.Duration agentCredentialTtl() {
        return value(SecuritySetting.AGENT_CREDENTIAL_TTL);
    }

    /**
     * The longest lifetime an access key in this group may have ({@link SecuritySetting#MAX_KEY_LIFETIME}).
     *
     * @return the limit
     */
    public KeyLifetimeLimit maxKeyLifetime() {
        return value(SecuritySetting.MAX_KEY_LIFETIME);
    }

    /**
     * What happens to agents not seen for a while ({@link SecuritySetting#STALE_AGENTS}).
     *
     * @return the policy, possibly off
     */
    public StaleAgentPolicy staleAgents() {
        return value(SecuritySetting.STALE_AGENTS);
    }

    /**
     * When agents of a VDI pool are removed ({@link SecuritySetting#EPHEMERAL_AGENTS}).
     *
     * @return the policy, possibly off
     */
    public StaleAgentPolicy ephemeralAgents() {
        return value(SecuritySetting.EPHEMERAL_AGENTS);
    }

    /**
     * Whether new agents of this group must prove their key lives in a trusted TPM ({@link SecuritySetting#ATTESTATION}).
     *
     * @return the requirement, {@link AttestationRequirement#NONE} by default
     */
    public AttestationRequirement attestation() {
        return value(SecuritySetting.ATTESTATION);
    }

    /**
     * Whether an attested agent skips the approval queue ({@link SecuritySetting#ATTESTED_SKIPS_APPROVAL}).
     *
     * @return true when a verified TPM attestation admits the agent without an admin's approval
     */
    public boolean attestedSkipsApproval() {
        return value(SecuritySetting.ATTESTED_SKIPS_APPROVAL);
    }

    /**
     * Every setting in {@link SecuritySetting#all()} order.
     *
     * @return an unmodifiable list of resolutions
     */
    public List<ResolvedSetting<?>> all() {
        return Collections.unmodifiableList(new ArrayList<>(resolved.values()));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("EffectiveSettings[").append(groupId);
        for (ResolvedSetting<?> r : resolved.values()) {
            b.append(", ").append(r.setting().name()).append('=').append(r.setting().formatUnchecked(r.value()))
                    .append(" (").append(r.describeSource()).append(')');
        }
        return b.append(']').toString();
    }
}
