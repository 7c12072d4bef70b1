package com.heartbeatrm.core;

/** The request is well-formed but conflicts with the current state of the store. */
public class ConflictException extends HeartbeatException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }
}
