package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import java.util.List;
import java.util.Optional;

/**
 * Access keys. The use count and last use change only through {@link AgentStore#enroll}, which does not change
 * the key's version, so admin edits and enrollments never conflict with each other.
 */
public interface AccessKeyStore {
    /**
     * Inserts a key (version 0) and its audit event in one atomic step. Its target group must exist in the same
     * organization at commit.
     *
     * @param key the new key
     * @param audit its {@code KEY_CREATED} event
     * @throws com.heartbeatrm.core.NotFoundException when the group does not exist in the organization
     */
    void insert(AccessKey key, AuditEvent audit);

    /**
     * Stores a new name, target group or disablement. Use count and last use are kept as stored. The target
     * group must exist in the same organization at commit, else {@link com.heartbeatrm.core.NotFoundException}.
     *
     * @param changed the key as it should be
     * @param expectedVersion the version the change was based on
     * @param audit the change's event, appended in the same atomic step
     * @return the stored key, version + 1
     * @throws com.heartbeatrm.core.StaleVersionException when the stored version differs
     */
    AccessKey update(AccessKey changed, long expectedVersion, AuditEvent audit);

    /**
     * Deletes a key for good. Agents enrolled with it are unaffected.
     *
     * @param org the organization
     * @param id the key
     * @param expectedVersion the version the delete was based on
     * @param audit the {@code KEY_DELETED} event, appended in the same atomic step
     * @throws com.heartbeatrm.core.NotFoundException when the key is not in the organization
     * @throws com.heartbeatrm.core.StaleVersionException when the stored version differs
     */
    void delete(OrganizationId org, AccessKeyId id, long expectedVersion, AuditEvent audit);

    /**
     * Looks a key up within one organization.
     *
     * @param org the organization
     * @param id the key
     * @return the key, or empty (also for a key of another organization)
     */
    Optional<AccessKey> find(OrganizationId org, AccessKeyId id);

    /**
     * The organization's keys, oldest first (ties by id).
     *
     * @param org the organization
     * @param page where to start and how many
     * @return one page
     */
    Page<AccessKey> list(OrganizationId org, PageRequest page);

    /**
     * The keys that point at {@code group}, oldest first.
     *
     * @param org the organization
     * @param group the group
     * @return the keys, possibly none
     */
    List<AccessKey> listByGroup(OrganizationId org, GroupId group);
}
