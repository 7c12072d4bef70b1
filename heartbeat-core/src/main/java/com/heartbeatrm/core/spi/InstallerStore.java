package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InstallerRecord;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Records of issued enrollment tokens (installers). */
public interface InstallerStore {
    /** Inserts a record (version 0) with its audit event; the access key must exist in the organization at commit. */
    void insert(InstallerRecord record, AuditEvent audit);

    /**
     * Stores a revocation or the packed artifacts' digests; other fields are kept as stored. Version-checked like
     * every update.
     */
    InstallerRecord update(InstallerRecord changed, long expectedVersion, AuditEvent audit);

    Optional<InstallerRecord> find(OrganizationId org, InstallerId id);

    /** An organization's installers, oldest first (ties by id). */
    Page<InstallerRecord> list(OrganizationId org, PageRequest page);

    /** The installers issued for one access key, oldest first (ties by id). */
    Page<InstallerRecord> listByKey(OrganizationId org, AccessKeyId key, PageRequest page);

    /**
     * Installers revoked before {@code before} or expired before it, at most {@code limit} (1 to 1000), oldest issue
     * first (ties by id): records the sweeper may remove.
     */
    List<InstallerRecord> listRetiredBefore(OrganizationId org, Instant before, int limit);

    /**
     * Deletes an installer's record with {@code audit}, atomically and only if it is still revoked or expired before
     * {@code before}; returns false and stores nothing when it is gone (another sweeper was first) or not retired.
     * Agents enrolled with it keep its id.
     */
    boolean removeRetired(OrganizationId org, InstallerId id, Instant before, AuditEvent audit);
}
