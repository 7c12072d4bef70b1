package com.heartbeatrm.core;

/** What an audit event records. */
public enum AuditAction {
    /** An organization was set up; its root group and default key have events of their own. */
    ORGANIZATION_CREATED,
    /** A group was created under a parent. */
    GROUP_CREATED,
    /** A group's name changed. */
    GROUP_RENAMED,
    /** A group moved to another parent. */
    GROUP_MOVED,
    /** A group's own security settings changed (inherited values are not recorded here). */
    GROUP_SETTINGS_CHANGED,
    /** An empty group was deleted. */
    GROUP_DELETED,
    /** An access key was created. */
    KEY_CREATED,
    /** An access key's name changed. */
    KEY_RENAMED,
    /** An access key now points at another group. */
    KEY_REPOINTED,
    /** An access key was disabled; the record holds the reason. */
    KEY_DISABLED,
    /** A disabled access key was enabled again. */
    KEY_ENABLED,
    /** An access key was deleted. */
    KEY_DELETED,
    /** An agent enrolled (or is pending approval) with an installer. */
    AGENT_ENROLLED,
    /** An agent's status changed: an admin disabled or re-enabled it, or the sweeper disabled a stale one. */
    AGENT_STATUS_CHANGED,
    /** An agent moved to another group. */
    AGENT_MOVED,
    /** An agent record was deleted, by an admin or by the sweeper. */
    AGENT_DELETED,
    /** An installer was issued for an access key. */
    INSTALLER_ISSUED,
    /** An installer was revoked: its token no longer enrolls. */
    INSTALLER_REVOKED,
    /** An enrollment was refused; the record holds the reason, never the token. */
    ENROLLMENT_DENIED,
    /** An admin approved an agent that was pending approval. */
    AGENT_APPROVED,
    /** A pending agent was refused: by an admin, or by the system when approval did not come in time. */
    AGENT_DENIED,
    /** A credential renewal was refused; the record holds the reason. */
    CREDENTIAL_RENEWAL_DENIED,
    /** A renewal proved an older credential generation than the agent's current one: two copies of one identity. */
    AGENT_LOCKED,
    /** An admin unlocked an agent locked after a duplicate identity was detected. */
    AGENT_UNLOCKED,
    /** Suspect failures with a key from one source address reached the threshold: that source is blocked for the key. */
    KEY_THROTTLED,
    /** An admin lifted every throttle on a key. */
    KEY_UNTHROTTLED,
    /** The sweeper removed the record of an installer revoked or expired longer ago than the grace period. */
    INSTALLER_DELETED,
    /** An organization began to trust a TPM manufacturer CA for attested enrollment; the record holds its fingerprint. */
    ATTESTATION_CA_TRUSTED,
    /** An organization stopped trusting a TPM manufacturer CA; attestations chaining to it are refused from now on. */
    ATTESTATION_CA_REMOVED,
    /** A TPM endorsement key was allow-listed for attested enrollment; the record holds its SHA-256 and label. */
    ENDORSEMENT_KEY_ALLOWED,
    /** A TPM endorsement key was removed from the allow-list. */
    ENDORSEMENT_KEY_REMOVED
}
