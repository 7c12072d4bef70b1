package com.heartbeatrm.core;

/**
 * A value that can never be accepted as given: a blank or over-long name, a malformed id or CIDR, a negative
 * limit. Like every exception the SDK throws on purpose, a {@link HeartbeatException}: one root, so a caller catches
 * the SDK's failures in one clause; this one names the field. A null argument is still a
 * {@link NullPointerException}. Messages name the field and the rule, never a secret.
 */
public class InvalidInputException extends HeartbeatException {
    private static final long serialVersionUID = 1L;
    /** The offending field's name. */
    private final String field;

    /**
     * An exception naming the field and the rule it breaks.
     *
     * @param field the field or argument, e.g. {@code "name"}
     * @param problem the rule, e.g. {@code "must not be blank"}; may quote the value, never a secret
     */
    public InvalidInputException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    /**
     * The name of the offending field or argument, e.g. {@code "name"} or {@code "maxUses"}.
     *
     * @return the field name
     */
    public String field() {
        return field;
    }
}
