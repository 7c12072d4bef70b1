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
    AGENT_DELETED
}
