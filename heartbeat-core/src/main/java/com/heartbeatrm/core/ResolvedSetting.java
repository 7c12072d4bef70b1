package com.heartbeatrm.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One effective setting of a group: its value, where the value comes from, and which group (if any) locks it
 * so that the group cannot override it.
 *
 * @param <T> the setting's value type
 * @param setting the setting
 * @param value its value in force
 * @param source the default, or the group whose override gave the value
 * @param lockedBy the nearest group on the path, the resolved group included, that locks this setting
 * @param resolvedFor the group the setting was resolved for
 */
public record ResolvedSetting<T>(SecuritySetting<T> setting, T value, SettingSource source,
        Optional<SettingSource.FromGroup> lockedBy, GroupId resolvedFor) {

    /**
     * Validates the value against the setting.
     *
     * @param setting the setting
     * @param value its value in force
     * @param source the default, or the group whose override gave the value
     * @param lockedBy the nearest group on the path, the resolved group included, that locks this setting
     * @param resolvedFor the group the setting was resolved for
     * @throws InvalidInputException when the setting refuses the value
     */
    public ResolvedSetting {
        Objects.requireNonNull(setting, "setting");
        setting.validate(value);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(lockedBy, "lockedBy");
        Objects.requireNonNull(resolvedFor, "resolvedFor");
    }

    /**
     * True when the value is inherited from an ancestor or the default, not set on the group itself.
     *
     * @return whether it is inherited
     */
    public boolean isInherited() {
        return !(source instanceof SettingSource.FromGroup g && g.groupId().equals(resolvedFor));
    }

    /**
     * What an admin screen shows: {@code "default"}, {@code "set here"}, {@code "inherited from Customer A"}.
     *
     * @return the description, with {@code ", locked here"} or {@code ", locked by ..."} when a lock applies
     */
    public String describeSource() {
        String base;
        if (source instanceof SettingSource.FromGroup g) {
            base = g.groupId().equals(resolvedFor) ? "set here" : "inherited from " + g.groupName();
        } else {
            base = "default";
        }
        if (lockedBy.isPresent()) {
            SettingSource.FromGroup l = lockedBy.get();
            base += l.groupId().equals(resolvedFor) ? ", locked here" : ", locked by " + l.groupName();
        }
        return base;
    }
}
