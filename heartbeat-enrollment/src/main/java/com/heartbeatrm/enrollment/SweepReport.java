package com.heartbeatrm.enrollment;

/**
 * What one retention sweep did on this node.
 *
 * @param agentsDisabled      agents the stale rule disabled
 * @param agentsRemoved       agents the stale or ephemeral rule removed
 * @param installersRemoved   records of revoked or expired installers removed
 * @param auditRecordsDeleted audit records past their retention deleted
 * @param lost                changes another node (or a renewal, or an admin) made first, so this one stored nothing
 * @param complete            false when the sweep stopped at its work limit; the next one resumes there
 */
public record SweepReport(int agentsDisabled, int agentsRemoved, int installersRemoved, int auditRecordsDeleted, int lost, boolean complete) {
}
