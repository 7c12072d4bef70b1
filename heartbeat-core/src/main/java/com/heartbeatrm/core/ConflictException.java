package com.heartbeatrm.core;

/** The request is well-formed but conflicts with the current state of the store. */
public class ConflictException extends HeartbeatException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception saying what conflicts.
     *
     * @param message names the object and the state it is in
     */
    public ConflictException(String message) {
        super(message);
    }
}
