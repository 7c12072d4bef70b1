package com.heartbeatrm.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one group says about the security settings: the values it overrides and the settings it locks for its
 * descendants. Immutable; the {@code with...} methods return a changed copy. A group may lock a setting
 * without overriding it, which locks the value it inherits.
 */
public final class GroupSettings {
    /** No overrides and no locks: a group that inherits everything. */
    public static final GroupSettings NONE = new GroupSettings(Map.of(), Set.of());

    private final Map<SecuritySetting<?>, Object> overrides;
    private final Set<SecuritySetting<?>> locks;

    private GroupSettings(Map<SecuritySetting<?>, Object> overrides, Set<SecuritySetting<?>> locks) {
        this.overrides = overrides;
        this.locks = locks;
    }

    /**
     * The value this group sets, if it overrides the setting.
     *
     * @param <T> the setting's value type
     * @param setting the setting
     * @return the override, or empty when the group inherits it
     */
    public <T> Optional<T> override(SecuritySetting<T> setting) {
        return Optional.ofNullable(setting.type().cast(overrides.get(setting)));
    }

    /**
     * Whether this group locks the setting for its descendants.
     *
     * @param setting the setting
     * @return true when locked here
     */
    public boolean isLocked(SecuritySetting<?> setting) {
        return locks.contains(setting);
    }

    /**
     * Whether this group neither overrides nor locks anything.
     *
     * @return true for settings equal to {@link #NONE}
     */
    public boolean isEmpty() {
        return overrides.isEmpty() && locks.isEmpty();
    }

    /**
     * The settings this group overrides, in {@link SecuritySetting#all()} order.
     *
     * @return an unmodifiable set
     */
    public Set<SecuritySetting<?>> overridden() {
        return ordered(overrides.keySet());
    }

    /**
     * The settings this group locks, in {@link SecuritySetting#all()} order.
     *
     * @return an unmodifiable set
     */
    public Set<SecuritySetting<?>> locked() {
        return ordered(locks);
    }

    /**
     * A copy that overrides the setting.
     *
     * @param <T> the setting's value type
     * @param setting the setting
     * @param value the value, validated by the setting
     * @return the changed copy
     * @throws InvalidInputException when the setting refuses the value
     */
    public <T> GroupSettings withOverride(SecuritySetting<T> setting, T value) {
        Map<SecuritySetting<?>, Object> copy = new LinkedHashMap<>(overrides);
        copy.put(setting, setting.validate(value));
        return new GroupSettings(Collections.unmodifiableMap(copy), locks);
    }

    /**
     * A copy that no longer overrides the setting; a lock is kept.
     *
     * @param setting the setting
     * @return the changed copy
     */
    public GroupSettings withoutOverride(SecuritySetting<?> setting) {
        Map<SecuritySetting<?>, Object> copy = new LinkedHashMap<>(overrides);
        copy.remove(setting);
        return new GroupSettings(Collections.unmodifiableMap(copy), locks);
    }

    /**
     * A copy that locks or unlocks the setting; an override is kept.
     *
     * @param setting the setting
     * @param locked whether to lock it
     * @return the changed copy
     */
    public GroupSettings withLock(SecuritySetting<?> setting, boolean locked) {
        java.util.LinkedHashSet<SecuritySetting<?>> copy = new java.util.LinkedHashSet<>(locks);
        if (locked) {
            copy.add(setting);
        } else {
            copy.remove(setting);
        }
        return new GroupSettings(overrides, Collections.unmodifiableSet(copy));
    }

    /**
     * Text form of every override, by setting name; what a store or an admin screen keeps.
     *
     * @return setting name to value text, in {@link SecuritySetting#all()} order
     */
    public Map<String, String> overridesAsText() {
        Map<String, String> out = new LinkedHashMap<>();
        for (SecuritySetting<?> s : overridden()) {
            out.put(s.name(), s.formatUnchecked(Objects.requireNonNull(overrides.get(s), "an overridden setting has a value")));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Rebuilds settings from their text form, as {@link #overridesAsText()} and {@link #locked()} give it.
     *
     * @param overrides setting name to value text
     * @param lockedNames names of the locked settings
     * @return the settings
     * @throws InvalidInputException when a name is unknown or a value does not parse
     */
    public static GroupSettings fromText(Map<String, String> overrides, Set<String> lockedNames) {
        GroupSettings result = NONE;
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            result = result.withParsed(named(e.getKey()), e.getValue());
        }
        for (String name : lockedNames) {
            result = result.withLock(named(name), true);
        }
        return result;
    }

    private <T> GroupSettings withParsed(SecuritySetting<T> setting, String text) {
        return withOverride(setting, setting.parse(text));
    }

    private static SecuritySetting<?> named(String name) {
        return SecuritySetting.byName(name).orElseThrow(() -> new InvalidInputException("setting", "unknown setting "
                + com.heartbeatrm.core.internal.TextRules.quoteForMessage(name)));
    }

    private static Set<SecuritySetting<?>> ordered(Set<SecuritySetting<?>> set) {
        java.util.LinkedHashSet<SecuritySetting<?>> out = new java.util.LinkedHashSet<>();
        for (SecuritySetting<?> s : SecuritySetting.all()) {
            if (set.contains(s)) {
                out.add(s);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupSettings g && g.overrides.equals(overrides) && g.locks.equals(locks);
    }

    @Override
    public int hashCode() {
        return overrides.hashCode() * 31 + locks.hashCode();
    }

    @Override
    public String toString() {
        return "GroupSettings" + overridesAsText() + " locked" + locked();
    }
}
