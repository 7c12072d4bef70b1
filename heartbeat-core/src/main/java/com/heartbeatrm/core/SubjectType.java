package com.heartbeatrm.core;

/** The kind of object an audit event is about. */
public enum SubjectType {
    /** An organization, by {@link OrganizationId}. */
    ORGANIZATION,
    /** A group, by {@link GroupId}. */
    GROUP,
    /** An access key, by {@link AccessKeyId}. */
    ACCESS_KEY,
    /** An agent, by {@link AgentId}. */
    AGENT,
    /** An installer, by {@link InstallerId}. */
    INSTALLER,
    /** A server signing key, by its key id. */
    SIGNING_KEY
}
