package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.Organization;
import java.util.List;
import java.util.Objects;

/**
 * What {@link OrganizationStore#create} stores in one atomic step.
 *
 * @param organization the organization
 * @param rootGroup its root group
 * @param defaultKey its default key, pointing at the root group
 * @param audit the events of the setup
 */
public record OrganizationSetup(Organization organization, Group rootGroup, AccessKey defaultKey, List<AuditEvent> audit) {
    /**
     * Checks that the group is the organization's root and the key its default key at the root.
     *
     * @param organization the organization
     * @param rootGroup its root group
     * @param defaultKey its default key, pointing at the root group
     * @param audit the events of the setup
     * @throws InvalidInputException when they do not belong together
     */
    public OrganizationSetup {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(rootGroup, "rootGroup");
        Objects.requireNonNull(defaultKey, "defaultKey");
        audit = List.copyOf(audit);
        if (!rootGroup.isRoot() || !rootGroup.id().equals(organization.rootGroupId())
                || !rootGroup.organizationId().equals(organization.id())) {
            throw new InvalidInputException("rootGroup", "must be the organization's root group");
        }
        if (!defaultKey.isDefault() || !defaultKey.groupId().equals(rootGroup.id())
                || !defaultKey.organizationId().equals(organization.id())) {
            throw new InvalidInputException("defaultKey", "must be a default key pointing at the root group");
        }
    }
}
