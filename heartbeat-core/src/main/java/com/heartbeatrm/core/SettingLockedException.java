package com.heartbeatrm.core;

/** A descendant tried to override a security setting that an ancestor has locked. */
public class SettingLockedException extends ConflictException {
    private static final long serialVersionUID = 1L;
    private final String setting;
    private final GroupId lockedBy;

    public SettingLockedException(String setting, GroupId lockedBy, String lockedByName) {
        super("setting " + setting + " is locked by ancestor group \"" + lockedByName + "\" (" + lockedBy.value() + ")");
        this.setting = setting;
        this.lockedBy = lockedBy;
    }

    public String setting() {
        return setting;
    }

    public GroupId lockedBy() {
        return lockedBy;
    }
}
