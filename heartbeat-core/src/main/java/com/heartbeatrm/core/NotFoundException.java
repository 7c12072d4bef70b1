package com.heartbeatrm.core;

/**
 * A referenced object does not exist in the organization named by the operation. An object of another
 * organization is reported exactly like a missing one, so tenants cannot probe each other.
 */
public class NotFoundException extends HeartbeatException {
    private static final long serialVersionUID = 1L;
    /** The kind of object that was not found. */
    private final String kind;
    /** The id or name that was looked up. */
    private final String id;

    /**
     * An exception naming what was looked up.
     *
     * @param kind the kind of object, e.g. {@code "group"}
     * @param id the id or quoted name looked up
     */
    public NotFoundException(String kind, String id) {
        super(kind + " not found: " + id);
        this.kind = kind;
        this.id = id;
    }

    /**
     * The kind of object that was not found.
     *
     * @return e.g. {@code "access key"}
     */
    public String kind() {
        return kind;
    }

    /**
     * The id or name that was looked up.
     *
     * @return the public id, or a quoted name or path
     */
    public String id() {
        return id;
    }
}
