package com.heartbeatrm.core;

import java.util.Objects;

/** Where an effective setting value comes from: the built-in default, or a group that set it. */
public sealed interface SettingSource permits SettingSource.Default, SettingSource.FromGroup {

    /** The built-in default of the setting; no group on the path overrides it. */
    record Default() implements SettingSource {
    }

    /**
     * The value set on a group (the resolved group itself or one of its ancestors).
     *
     * @param groupId the group that set it
     * @param groupName that group's name, for display
     */
    record FromGroup(GroupId groupId, String groupName) implements SettingSource {
        /**
         * Checks that neither component is null.
         *
         * @param groupId the group
         * @param groupName its name
         */
        public FromGroup {
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(groupName, "groupName");
        }
    }
}
