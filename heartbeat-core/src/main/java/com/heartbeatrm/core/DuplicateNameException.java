package com.heartbeatrm.core;

/** A name that must be unique in its scope (siblings of a group, organizations of a store) is taken. */
public class DuplicateNameException extends ConflictException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the taken name.
     *
     * @param what the kind of object, e.g. {@code "group"}
     * @param name the name that is taken
     */
    public DuplicateNameException(String what, String name) {
        super(what + " name already in use: \"" + name + "\"");
    }
}
