package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.InvalidInputException;
import java.time.Instant;
import java.util.Objects;

/**
 * One enrollment to store: count one use of {@code key} and create {@code agent}, atomically.
 *
 * @param expectedGroup the group the caller resolved the key to; the agent lands there, and the use is refused
 *                      with {@link KeyUseResult.Reason#GROUP_CHANGED} if the key points elsewhere at commit
 */
public record KeyUse(AccessKeyId key, GroupId expectedGroup, Agent agent, Instant now, AuditEvent audit) {
    public KeyUse {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(expectedGroup, "expectedGroup");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(audit, "audit");
        if (!agent.groupId().equals(expectedGroup) || !agent.accessKeyId().equals(key)
                || !audit.organizationId().equals(agent.organizationId())) {
            throw new InvalidInputException("agent", "must name the key, the expected group and the audit's organization");
        }
    }
}
