package com.heartbeatrm.core;

/**
 * A referenced object does not exist in the organization named by the operation. An object of another
 * organization is reported exactly like a missing one, so tenants cannot probe each other.
 */
public class NotFoundException extends HeartbeatException {
    private static final long serialVersionUID = 1L;
    private final String kind;
    private final String id;

    public NotFoundException(String kind, String id) {
        super(kind + " not found: " + id);
        this.kind = kind;
        this.id = id;
    }

    public String kind() {
        return kind;
    }

    public String id() {
        return id;
    }
}
