package com.heartbeatrm.core;

/** An operation needs a usable access key (e.g. issuing an installer) and the key is not. */
public class AccessKeyNotUsableException extends ConflictException {
    private static final long serialVersionUID = 1L;
    private final AccessKeyStatus status;

    public AccessKeyNotUsableException(AccessKeyId key, AccessKeyStatus status) {
        super("access key " + key.value() + " is " + status.name().toLowerCase(java.util.Locale.ROOT));
        this.status = status;
    }

    public AccessKeyStatus status() {
        return status;
    }
}
