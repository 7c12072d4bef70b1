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
    public static final GroupSettings NONE = new GroupSettings(Map.of(), Set.of());

    private final Map<SecuritySetting<?>, Object> overrides;
    private final Set<SecuritySetting<?>> locks;

    private GroupSettings(Map<SecuritySetting<?>, Object> overrides, Set<SecuritySetting<?>> locks) {
        this.overrides = overrides;
        this.locks = locks;
    }

    /** The value this group sets, if it overrides the setting. */
    public <T> Optional<T> override(SecuritySetting<T> setting) {
        return Optional.ofNullable(setting.type().cast(overrides.get(setting)));
    }

    public boolean isLocked(SecuritySetting<?> setting) {
        return locks.contains(setting);
    }

    public boolean isEmpty() {
        return overrides.isEmpty() && locks.isEmpty();
    }

    /** The settings this group overrides, in {@link SecuritySetting#all()} order. */
    public Set<SecuritySetting<?>> overridden() {
        return ordered(overrides.keySet());
    }

    public Set<SecuritySetting<?>> locked() {
        return ordered(locks);
    }

    public <T> GroupSettings withOverride(SecuritySetting<T> setting, T value) {
        Map<SecuritySetting<?>, Object> copy = new LinkedHashMap<>(overrides);
        copy.put(setting, setting.validate(value));
        return new GroupSettings(Collections.unmodifiableMap(copy), locks);
    }

    public GroupSettings withoutOverride(SecuritySetting<?> setting) {
        Map<SecuritySetting<?>, Object> copy = new LinkedHashMap<>(overrides);
        copy.remove(setting);
        return new GroupSettings(Collections.unmodifiableMap(copy), locks);
    }

    public GroupSettings withLock(SecuritySetting<?> setting, boolean locked) {
        java.util.LinkedHashSet<SecuritySetting<?>> copy = new java.util.LinkedHashSet<>(locks);
        if (locked) {
            copy.add(setting);
        } else {
            copy.remove(setting);
        }
        return new GroupSettings(overrides, Collections.unmodifiableSet(copy));
    }

    /** Text form of every override, by setting name; what a store or an admin screen keeps. */
    public Map<String, String> overridesAsText() {
        Map<String, String> out = new LinkedHashMap<>();
        for (SecuritySetting<?> s : overridden()) {
            out.put(s.name(), s.formatUnchecked(Objects.requireNonNull(overrides.get(s), "an overridden setting has a value")));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Rebuilds settings from their text form, as {@link #overridesAsText()} and {@link #locked()} give it. */
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
