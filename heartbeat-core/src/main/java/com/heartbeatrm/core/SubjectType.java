package com.heartbeatrm.core;

/** The kind of object an audit event is about. */
public enum SubjectType {
    ORGANIZATION,
    GROUP,
    ACCESS_KEY,
    AGENT,
    INSTALLER,
    SIGNING_KEY
}
