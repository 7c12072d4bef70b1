package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.core.GroupId;
import java.util.List;
import java.util.Objects;

/**
 * Where a group sits in its organization's tree: the ids from the root group down to the group itself. An authorizer
 * that gives a technician one subtree asks {@code path.within(subtreeRoot)}.
 *
 * @param ids the root first, the group last; never empty
 */
public record GroupPath(List<GroupId> ids) {
    /**
     * Validates and copies.
     *
     * @param ids the root first, the group last; never empty
     * @throws IllegalArgumentException when {@code ids} is empty
     */
    public GroupPath {
        ids = List.copyOf(Objects.requireNonNull(ids, "ids"));
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("a group path holds at least the root group");
        }
    }

    /**
     * The group this path leads to.
     *
     * @return the last id
     */
    public GroupId group() {
        return ids.get(ids.size() - 1);
    }

    /**
     * The organization's root group.
     *
     * @return the first id
     */
    public GroupId root() {
        return ids.get(0);
    }

    /**
     * Whether the group is {@code ancestor} or lies below it.
     *
     * @param ancestor a group of the same organization
     * @return true when the path passes through {@code ancestor}
     */
    public boolean within(GroupId ancestor) {
        return ids.contains(Objects.requireNonNull(ancestor, "ancestor"));
    }
}
