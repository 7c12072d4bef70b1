package com.heartbeatrm.core;

/** What an audit event records. */
public enum AuditAction {
    ORGANIZATION_CREATED,
    GROUP_CREATED,
    GROUP_RENAMED,
    GROUP_MOVED,
    GROUP_SETTINGS_CHANGED,
    GROUP_DELETED,
    KEY_CREATED,
    KEY_RENAMED,
    KEY_REPOINTED,
    KEY_DISABLED,
    KEY_ENABLED,
    KEY_DELETED,
    AGENT_ENROLLED,
    AGENT_STATUS_CHANGED,
    AGENT_MOVED,
    AGENT_DELETED,
    INSTALLER_ISSUED,
    INSTALLER_REVOKED,
    ENROLLMENT_DENIED,
    AGENT_APPROVED,
    AGENT_DENIED,
    CREDENTIAL_RENEWAL_DENIED,
    /** A renewal proved an older credential generation than the agent's current one: two copies of one identity. */
    AGENT_LOCKED,
    AGENT_UNLOCKED,
    /** Suspect failures with a key from one source address reached the threshold: that source is blocked for the key. */
    KEY_THROTTLED,
    /** An admin lifted every throttle on a key. */
    KEY_UNTHROTTLED,
    /** The sweeper removed the record of an installer revoked or expired longer ago than the grace period. */
    INSTALLER_DELETED
}
