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
    /** Inserts a key (version 0). Its target group must exist in the same organization at commit. */
    void insert(AccessKey key, AuditEvent audit);

    /**
     * Stores a new name, target group or disablement. Use count and last use are kept as stored. The target
     * group must exist in the same organization at commit, else {@link com.heartbeatrm.core.NotFoundException}.
     */
    AccessKey update(AccessKey changed, long expectedVersion, AuditEvent audit);

    /** Deletes a key for good. Agents enrolled with it are unaffected. */
    void delete(OrganizationId org, AccessKeyId id, long expectedVersion, AuditEvent audit);

    Optional<AccessKey> find(OrganizationId org, AccessKeyId id);

    /** The organization's keys, oldest first (ties by id). */
    Page<AccessKey> list(OrganizationId org, PageRequest page);

    /** The keys that point at {@code group}, oldest first. */
    List<AccessKey> listByGroup(OrganizationId org, GroupId group);
}
