package com.heartbeatrm.core;

/** A name that must be unique in its scope (siblings of a group, organizations of a store) is taken. */
public class DuplicateNameException extends ConflictException {
    private static final long serialVersionUID = 1L;

    public DuplicateNameException(String what, String name) {
        super(what + " name already in use: \"" + name + "\"");
    }
}
