package com.heartbeatrm.core;

/** A descendant tried to override a security setting that an ancestor has locked. */
public class SettingLockedException extends ConflictException {
    private static final long serialVersionUID = 1L;
    /** The name of the locked setting. */
    private final String setting;
    /** The ancestor group that locks it. */
    private final GroupId lockedBy;

    /**
     * An exception naming the setting and the ancestor that locks it.
     *
     * @param setting the setting's name
     * @param lockedBy the ancestor's id
     * @param lockedByName the ancestor's name, for the message
     */
    public SettingLockedException(String setting, GroupId lockedBy, String lockedByName) {
        super("setting " + setting + " is locked by ancestor group \"" + lockedByName + "\" (" + lockedBy.value() + ")");
        this.setting = setting;
        this.lockedBy = lockedBy;
    }

    /**
     * The name of the locked setting.
     *
     * @return e.g. {@code "allowedNetworks"}
     */
    public String setting() {
        return setting;
    }

    /**
     * The ancestor group that locks the setting.
     *
     * @return its id
     */
    public GroupId lockedBy() {
        return lockedBy;
    }
}
