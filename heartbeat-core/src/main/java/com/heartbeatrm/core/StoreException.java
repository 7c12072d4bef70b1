package com.heartbeatrm.core;

/**
 * A storage backend failed for a reason that is not about the request: the database is unreachable, a
 * connection broke, a transaction could not be completed after its retries. The change was not applied.
 */
public class StoreException extends HeartbeatException {
    private static final long serialVersionUID = 1L;
    private final boolean transientFailure;

    public StoreException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /** True when retrying the same request later may succeed (connection lost, serialization failure). */
    public boolean isTransient() {
        return transientFailure;
    }
}
