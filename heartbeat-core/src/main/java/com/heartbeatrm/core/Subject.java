package com.heartbeatrm.core;

import java.util.Objects;

/** The object an audit event is about, by kind and public id. */
public record Subject(SubjectType type, String id) {
    public Subject {
        Objects.requireNonNull(type, "type");
        if (id == null || id.isBlank() || id.length() > 100) {
            throw new InvalidInputException("subject id", "must be 1 to 100 characters");
        }
    }

    public static Subject of(GroupId id) {
        return new Subject(SubjectType.GROUP, id.value());
    }

    public static Subject of(AccessKeyId id) {
        return new Subject(SubjectType.ACCESS_KEY, id.value());
    }

    public static Subject of(AgentId id) {
        return new Subject(SubjectType.AGENT, id.value());
    }

    public static Subject of(InstallerId id) {
        return new Subject(SubjectType.INSTALLER, id.value());
    }

    public static Subject of(OrganizationId id) {
        return new Subject(SubjectType.ORGANIZATION, id.value());
    }
}
