package com.heartbeatrm.core;

/** A group move that would detach the root or create a cycle in the tree. */
public class InvalidMoveException extends ConflictException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception saying which move was refused.
     *
     * @param message names the group and why
     */
    public InvalidMoveException(String message) {
        super(message);
    }
}
