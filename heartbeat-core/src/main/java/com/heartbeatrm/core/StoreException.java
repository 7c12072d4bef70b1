package com.heartbeatrm.core;

/**
 * A storage backend failed for a reason that is not about the request: the database is unreachable, a
 * connection broke, a transaction could not be completed after its retries. The change was not applied.
 */
public class StoreException extends HeartbeatException {
    private static final long serialVersionUID = 1L;
    /** Whether a retry may succeed. */
    private final boolean transientFailure;

    /**
     * An exception wrapping the backend's failure.
     *
     * @param message what failed; never a secret or a connection password
     * @param transientFailure whether retrying later may succeed
     * @param cause the backend's exception
     */
    public StoreException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /**
     * True when retrying the same request later may succeed (connection lost, serialization failure).
     *
     * @return whether the failure is transient
     */
    public boolean isTransient() {
        return transientFailure;
    }
}
