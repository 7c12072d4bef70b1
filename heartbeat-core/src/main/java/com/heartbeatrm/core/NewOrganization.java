package com.heartbeatrm.core;

import java.util.Objects;

/** What setting up an organization created: the organization, its root group and its default access key. */
public record NewOrganization(Organization organization, Group rootGroup, AccessKey defaultKey) {
    public NewOrganization {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(rootGroup, "rootGroup");
        Objects.requireNonNull(defaultKey, "defaultKey");
    }

    public OrganizationId id() {
        return organization.id();
    }
}
