package com.heartbeatrm.core;

/** Lifecycle of an enrolled agent. */
public enum AgentStatus {
    /** Enrolled in a group that requires approval; waits for an admin. */
    PENDING,
    ACTIVE,
    /** Disabled by an admin: its credential is no longer renewed. */
    DISABLED
}
