package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.protocol.EnrollmentResponse.Placement;
import com.heartbeatrm.core.Agent;
import java.util.Objects;

/**
 * The agent exists but waits for an administrator's approval: the answer to its enrollment and to each poll (a
 * renewal request) until it is approved, when the poll returns its first credential.
 *
 * @param agent the pending agent as stored
 * @param placement the organization's name and group path, as the agent is told them
 */
public record Pending(Agent agent, Placement placement) implements EnrollmentResult, RenewalResult {
    /**
     * Checks that no component is null.
     *
     * @param agent the pending agent as stored
     * @param placement the organization's name and group path, as the agent is told them
     */
    public Pending {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(placement, "placement");
    }

    @Override
    public EnrollmentResponse.Pending toResponse() {
        return new EnrollmentResponse.Pending(placement);
    }
}
