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
    /**
     * Inserts a record (version 0) with its audit event; the access key must exist in the organization at commit.
     *
     * @param record the new record
     * @param audit its {@code INSTALLER_ISSUED} event
     */
    void insert(InstallerRecord record, AuditEvent audit);

    /**
     * Stores a revocation or the packed artifacts' digests; other fields are kept as stored. Version-checked like
     * every update.
     *
     * @param changed the record as it should be
     * @param expectedVersion the version the change was based on
     * @param audit the change's event
     * @return the stored record, version + 1
     * @throws com.heartbeatrm.core.StaleVersionException when the stored version differs
     */
    InstallerRecord update(InstallerRecord changed, long expectedVersion, AuditEvent audit);

    /**
     * Looks an installer record up within one organization.
     *
     * @param org the organization
     * @param id the installer
     * @return the record, or empty (also for one of another organization)
     */
    Optional<InstallerRecord> find(OrganizationId org, InstallerId id);

    /**
     * An organization's installers, oldest first (ties by id).
     *
     * @param org the organization
     * @param page where to start and how many
     * @return one page
     */
    Page<InstallerRecord> list(OrganizationId org, PageRequest page);

    /**
     * The installers issued for one access key, oldest first (ties by id).
     *
     * @param org the organization
     * @param key the access key
     * @param page where to start and how many
     * @return one page
     */
    Page<InstallerRecord> listByKey(OrganizationId org, AccessKeyId key, PageRequest page);

    /**
     * Installers revoked before {@code before} or expired before it, at most {@code limit} (1 to 1000), oldest issue
     * first (ties by id): records the sweeper may remove.
     *
     * @param org the organization
     * @param before the cut-off instant
     * @param limit the most records to return
     * @return the records
     */
    List<InstallerRecord> listRetiredBefore(OrganizationId org, Instant before, int limit);

    /**
     * Deletes an installer's record with {@code audit}, atomically and only if it is still revoked or expired before
     * {@code before}; returns false and stores nothing when it is gone (another sweeper was first) or not retired.
     * Agents enrolled with it keep its id.
     *
     * @param org the organization
     * @param id the installer
     * @param before the cut-off instant
     * @param audit the {@code INSTALLER_DELETED} event
     * @return whether the record was deleted
     */
    boolean removeRetired(OrganizationId org, InstallerId id, Instant before, AuditEvent audit);
}
