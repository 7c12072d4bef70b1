package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.core.Agent;

/**
 * The outcome of an enrollment: {@link Enrolled}, {@link Pending} or {@link Denied}; {@link #toResponse()} is what
 * the agent is told.
 */
public sealed interface EnrollmentResult permits EnrollmentResult.Enrolled, Pending, Denied {

    /**
     * The protocol answer: what the agent is told.
     *
     * @return enrolled with the first credential, pending, or denied, as the protocol encodes it
     */
    EnrollmentResponse toResponse();

    /** The agent is ACTIVE and holds its first credential. Prints redacted. */
    final class Enrolled extends Credentialed<EnrollmentResponse.Enrolled> implements EnrollmentResult {
        Enrolled(Agent agent, EnrollmentResponse.Enrolled response) {
            super(agent, response);
        }
    }
}
