package com.heartbeatrm.core;

import java.util.Objects;

/**
 * What setting up an organization created: the organization, its root group and its default access key.
 *
 * @param organization the organization
 * @param rootGroup its root group
 * @param defaultKey the access key pointing at the root group
 */
public record NewOrganization(Organization organization, Group rootGroup, AccessKey defaultKey) {
    /**
     * Checks that no component is null.
     *
     * @param organization the organization
     * @param rootGroup its root group
     * @param defaultKey its default key
     */
    public NewOrganization {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(rootGroup, "rootGroup");
        Objects.requireNonNull(defaultKey, "defaultKey");
    }

    /**
     * The organization's id.
     *
     * @return the id
     */
    public OrganizationId id() {
        return organization.id();
    }
}
