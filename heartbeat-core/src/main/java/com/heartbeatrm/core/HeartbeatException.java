package com.heartbeatrm.core;

/**
 * Root of every exception the HeartbeatRM SDK throws on purpose. Unchecked, like JDBI's: callers catch the
 * subtype they can act on. Messages name ids and field names, never secrets.
 */
public class HeartbeatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HeartbeatException(String message) {
        super(message);
    }

    public HeartbeatException(String message, Throwable cause) {
        super(message, cause);
    }
}
