package com.heartbeatrm.core;

/** Input that can never be accepted as given: a blank name, a malformed CIDR, a negative limit. */
public class InvalidInputException extends HeartbeatException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidInputException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /** The name of the offending field or argument, e.g. {@code "name"} or {@code "maxUses"}. */
    public String field() {
        return field;
    }
}
