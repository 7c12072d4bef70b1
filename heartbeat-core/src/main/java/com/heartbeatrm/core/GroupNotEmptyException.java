package com.heartbeatrm.core;

import java.util.ArrayList;
import java.util.List;

/** A group cannot be deleted while something still depends on it; {@link #blockers()} says what. */
public class GroupNotEmptyException extends ConflictException {
    private static final long serialVersionUID = 1L;
    private final transient List<String> blockers;

    private GroupNotEmptyException(GroupId group, List<String> blockers) {
        super("group " + group.value() + " cannot be deleted: " + String.join("; ", blockers));
        this.blockers = List.copyOf(blockers);
    }

    /**
     * Builds the exception from what blocks the delete; every store reports blockers the same way.
     *
     * @param group the group that was to be deleted
     * @param childCount how many child groups it has
     * @param childNames names of the child groups (may be a sample; {@code childCount} is the total)
     * @param agentCount how many agents it holds
     * @param keyCount how many access keys point at it
     * @param keyIds     ids of the access keys pointing at the group (may be a sample; {@code keyCount} is the total)
     * @return the exception, naming each kind of blocker with a count above zero
     * @throws IllegalArgumentException when all three counts are zero
     */
    public static GroupNotEmptyException of(GroupId group, long childCount, List<String> childNames, long agentCount,
            long keyCount, List<String> keyIds) {
        List<String> blockers = new ArrayList<>();
        if (childCount > 0) {
            blockers.add(childCount + " child group" + (childCount == 1 ? "" : "s") + ": " + String.join(", ", childNames));
        }
        if (agentCount > 0) {
            blockers.add(agentCount + " agent" + (agentCount == 1 ? "" : "s"));
        }
        if (keyCount > 0) {
            blockers.add(keyCount + " access key" + (keyCount == 1 ? "" : "s") + " pointing at it: " + String.join(", ", keyIds));
        }
        if (blockers.isEmpty()) {
            throw new IllegalArgumentException("nothing blocks the delete");
        }
        return new GroupNotEmptyException(group, blockers);
    }

    /**
     * Human-readable blockers such as {@code "2 child groups: Site 1, Site 2"}.
     *
     * @return one entry per kind of blocker, unmodifiable
     */
    public List<String> blockers() {
        return blockers;
    }
}
