package com.heartbeatrm.core;

/** Lifecycle of an enrolled agent. */
public enum AgentStatus {
    /** Enrolled in a group that requires approval; waits for an admin. */
    PENDING,
    /** Enrolled and in good standing: it renews and its credentials are accepted. */
    ACTIVE,
    /** Disabled by an admin (or its approval was denied or expired): its renewals and credentials are refused. */
    DISABLED,
    /**
     * Two copies of its identity renewed (a clone): every renewal and credential is refused until an admin
     * unlocks it.
     */
    LOCKED
}
