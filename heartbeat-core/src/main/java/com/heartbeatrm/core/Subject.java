package com.heartbeatrm.core;

import java.util.Objects;

/**
 * The object an audit event is about, by kind and public id.
 *
 * @param type the kind of object
 * @param id its public id, 1 to 100 characters
 */
public record Subject(SubjectType type, String id) {
    /**
     * Validates the id's length.
     *
     * @param type the kind of object
     * @param id its public id
     * @throws InvalidInputException when the id is blank or longer than 100 characters
     */
    public Subject {
        Objects.requireNonNull(type, "type");
        if (id == null || id.isBlank() || id.length() > 100) {
            throw new InvalidInputException("subject id", "must be 1 to 100 characters");
        }
    }

    /**
     * The group with this id.
     *
     * @param id the group
     * @return the subject
     */
    public static Subject of(GroupId id) {
        return new Subject(SubjectType.GROUP, id.value());
    }

    /**
     * The access key with this id.
     *
     * @param id the key
     * @return the subject
     */
    public static Subject of(AccessKeyId id) {
        return new Subject(SubjectType.ACCESS_KEY, id.value());
    }

    /**
     * The agent with this id.
     *
     * @param id the agent
     * @return the subject
     */
    public static Subject of(AgentId id) {
        return new Subject(SubjectType.AGENT, id.value());
    }

    /**
     * The installer with this id.
     *
     * @param id the installer
     * @return the subject
     */
    public static Subject of(InstallerId id) {
        return new Subject(SubjectType.INSTALLER, id.value());
    }

    /**
     * The organization with this id.
     *
     * @param id the organization
     * @return the subject
     */
    public static Subject of(OrganizationId id) {
        return new Subject(SubjectType.ORGANIZATION, id.value());
    }
}
