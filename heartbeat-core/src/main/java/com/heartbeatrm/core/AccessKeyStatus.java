package com.heartbeatrm.core;

/** The computed state of an access key. Only {@link #ENABLED} keys admit new agents. */
public enum AccessKeyStatus {
    /** Usable: not disabled, not expired, uses left. */
    ENABLED,
    /** Disabled by an admin: every installer that references the key is refused. */
    DISABLED,
    /** Past its expiry. */
    EXPIRED,
    /** Its maximum number of uses has been reached. */
    EXHAUSTED
}
