package com.heartbeatrm.core;

/** An operation needs a usable access key (e.g. issuing an installer) and the key is not. */
public class AccessKeyNotUsableException extends ConflictException {
    private static final long serialVersionUID = 1L;
    /** Why the key cannot be used: never {@link AccessKeyStatus#ENABLED}. */
    private final AccessKeyStatus status;

    /**
     * Creates the exception; the message names the key's public id and its status.
     *
     * @param key the key that was asked for
     * @param status its status at the time of the request
     */
    public AccessKeyNotUsableException(AccessKeyId key, AccessKeyStatus status) {
        super("access key " + key.value() + " is " + status.name().toLowerCase(java.util.Locale.ROOT));
        this.status = status;
    }

    /**
     * Why the key cannot be used.
     *
     * @return the key's status: disabled, expired or exhausted
     */
    public AccessKeyStatus status() {
        return status;
    }
}
