package com.heartbeatrm.core;

import java.util.Objects;

/** Where an effective setting value comes from: the built-in default, or a group that set it. */
public sealed interface SettingSource permits SettingSource.Default, SettingSource.FromGroup {

    /** The built-in default of the setting; no group on the path overrides it. */
    record Default() implements SettingSource {
    }

    /** The value set on a group (the resolved group itself or one of its ancestors). */
    record FromGroup(GroupId groupId, String groupName) implements SettingSource {
        public FromGroup {
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(groupName, "groupName");
        }
    }
}
