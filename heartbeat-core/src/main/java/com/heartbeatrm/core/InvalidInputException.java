package com.heartbeatrm.core;

/**
 * A value that can never be accepted as given: a blank or over-long name, a malformed id or CIDR, a negative
 * limit. An {@link IllegalArgumentException}, as the SDK's misuse policy has it: {@link NullPointerException} for a
 * null argument, {@code IllegalArgumentException} for a bad argument value (this class, which also names the
 * field), and {@link HeartbeatException} subclasses for outcomes that depend on what is stored (not found,
 * conflicts, locks, an unavailable store). Messages name the field and the rule, never a secret.
 */
public class InvalidInputException extends IllegalArgumentException {
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
