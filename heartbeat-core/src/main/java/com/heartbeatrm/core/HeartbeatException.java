package com.heartbeatrm.core;

/**
 * Root of every exception the HeartbeatRM SDK throws on purpose. Unchecked, like JDBI's: callers catch the
 * subtype they can act on. Messages name ids and field names, never secrets.
 */
public class HeartbeatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message only.
     *
     * @param message what went wrong; names ids and fields, never a secret
     */
    public HeartbeatException(String message) {
        super(message);
    }

    /**
     * An exception caused by another, e.g. a driver's.
     *
     * @param message what went wrong; names ids and fields, never a secret
     * @param cause the underlying failure
     */
    public HeartbeatException(String message, Throwable cause) {
        super(message, cause);
    }
}
