package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import java.util.Optional;

/** Organizations. */
public interface OrganizationStore {
    /**
     * Stores the organization, its root group, its default key and the audit events in one atomic step.
     *
     * @param setup what to store
     * @throws com.heartbeatrm.core.DuplicateNameException when an organization with the same name (compared
     *         case-insensitively) exists; nothing is stored then
     */
    void create(OrganizationSetup setup);

    /**
     * Looks an organization up.
     *
     * @param id the organization
     * @return it, or empty
     */
    Optional<Organization> find(OrganizationId id);

    /**
     * Looks an organization up by name, case-insensitively.
     *
     * @param name the name as typed
     * @return it, or empty
     */
    Optional<Organization> findByName(String name);

    /**
     * All organizations, oldest first (ties by id).
     *
     * @param page where to start and how many
     * @return one page
     */
    Page<Organization> list(PageRequest page);
}
