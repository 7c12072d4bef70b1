package com.heartbeatrm.core;

/** Optimistic concurrency: somebody else changed the object since it was read. Re-read and retry. */
public class StaleVersionException extends ConflictException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception naming the object and both versions.
     *
     * @param kind the kind of object, e.g. {@code "group"}
     * @param id its public id
     * @param expected the version the caller read
     * @param actual the version stored now
     */
    public StaleVersionException(String kind, String id, long expected, long actual) {
        super(kind + " " + id + " was changed concurrently (expected version " + expected + ", found " + actual + ")");
    }

    /**
     * Throws when the version a change expects is not the stored one.
     *
     * @param kind the kind of object, for the message
     * @param id its public id
     * @param expected the version the caller read
     * @param actual the version stored now
     * @throws StaleVersionException when they differ
     */
    public static void check(String kind, String id, long expected, long actual) {
        if (expected != actual) {
            throw new StaleVersionException(kind, id, expected, actual);
        }
    }
}
