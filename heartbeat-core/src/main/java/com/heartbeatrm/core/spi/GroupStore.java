package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.OrganizationId;
import java.util.List;
import java.util.Optional;

/**
 * Groups of one organization's tree. Every change is stored together with its audit event, atomically.
 * Sibling names are unique by {@link Group#nameKey()}; a violation throws
 * {@link com.heartbeatrm.core.DuplicateNameException}. A change whose {@code expectedVersion} differs from the
 * stored version throws {@link com.heartbeatrm.core.StaleVersionException}; a stored change increments the
 * version by one.
 */
public interface GroupStore {
    /**
     * Inserts a non-root group (version 0). The parent must exist in the same organization at commit.
     *
     * @param group the new group
     * @param audit its {@code GROUP_CREATED} event
     * @throws com.heartbeatrm.core.DuplicateNameException when a sibling has the same name key
     */
    void insert(Group group, AuditEvent audit);

    /**
     * Stores a new name and settings. Parent, organization and creation time are taken from the stored group.
     *
     * @param changed the group as it should be
     * @param expectedVersion the version the change was based on
     * @param audit the change's event
     * @return the stored group, version + 1
     */
    Group update(Group changed, long expectedVersion, AuditEvent audit);

    /**
     * Moves a group under {@code newParent}. Atomically refuses, with
     * {@link com.heartbeatrm.core.InvalidMoveException}, moving the root and any move that would make the group
     * its own ancestor, even when other moves run concurrently.
     *
     * @param org the organization
     * @param group the group to move
     * @param newParent the new parent
     * @param expectedVersion the version the move was based on
     * @param audit the {@code GROUP_MOVED} event
     * @return the stored group, version + 1
     */
    Group move(OrganizationId org, GroupId group, GroupId newParent, long expectedVersion, AuditEvent audit);

    /**
     * Deletes a group. Atomically refuses, with {@link com.heartbeatrm.core.GroupNotEmptyException}, while the
     * group has child groups, agents, or access keys pointing at it; refuses the root with
     * {@link com.heartbeatrm.core.ConflictException}.
     *
     * @param org the organization
     * @param group the group
     * @param expectedVersion the version the delete was based on
     * @param audit the {@code GROUP_DELETED} event
     */
    void delete(OrganizationId org, GroupId group, long expectedVersion, AuditEvent audit);

    /**
     * Looks a group up within one organization.
     *
     * @param org the organization
     * @param id the group
     * @return the group, or empty (also for a group of another organization)
     */
    Optional<Group> find(OrganizationId org, GroupId id);

    /**
     * The root, then each group down to {@code id} included; empty when the group does not exist. O(depth).
     *
     * @param org the organization
     * @param id the group
     * @return the path, root first
     */
    List<Group> pathFromRoot(OrganizationId org, GroupId id);

    /**
     * Direct children, by name key.
     *
     * @param org the organization
     * @param parent the group
     * @return its children
     */
    List<Group> children(OrganizationId org, GroupId parent);

    /**
     * The child of {@code parent} whose name key equals that of {@code name}.
     *
     * @param org the organization
     * @param parent the group
     * @param name a name as typed; compared by name key
     * @return the child, or empty
     */
    Optional<Group> findChild(OrganizationId org, GroupId parent, String name);

    /**
     * The group and all its descendants, each after its parent (depth-first, siblings by name key).
     *
     * @param org the organization
     * @param root the top of the subtree
     * @return the subtree, empty when the group does not exist
     */
    List<Group> subtree(OrganizationId org, GroupId root);
}
