package com.heartbeatrm.core;

/** Optimistic concurrency: somebody else changed the object since it was read. Re-read and retry. */
public class StaleVersionException extends ConflictException {
    private static final long serialVersionUID = 1L;

    public StaleVersionException(String kind, String id, long expected, long actual) {
        super(kind + " " + id + " was changed concurrently (expected version " + expected + ", found " + actual + ")");
    }

    /** Throws when the version a change expects is not the stored one. */
    public static void check(String kind, String id, long expected, long actual) {
        if (expected != actual) {
            throw new StaleVersionException(kind, id, expected, actual);
        }
    }
}
