package com.heartbeatrm.store.jdbc;

/**
 * Thrown out of a transaction whose insert hit a unique constraint, so that it rolls back; the store then tells a
 * duplicate name from a duplicate id by reading what is stored, never by the database's message text.
 */
final class UniqueClash extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UniqueClash() {
        super(null, null, false, false);
    }
}
