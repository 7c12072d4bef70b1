package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.core.Agent;

/**
 * The outcome of a credential renewal (or a pending agent's poll): {@link Renewed}, {@link Pending} or
 * {@link Denied}; {@link #toResponse()} is what the agent is told.
 */
public sealed interface RenewalResult permits RenewalResult.Renewed, Pending, Denied {

    /**
     * The protocol answer: what the agent is told.
     *
     * @return renewed with the next credential, pending, or denied, as the protocol encodes it
     */
    EnrollmentResponse toResponse();

    /** The agent's next credential, of generation {@code agent().credentialGeneration()}. Prints redacted. */
    final class Renewed extends Credentialed<EnrollmentResponse.Renewed> implements RenewalResult {
        Renewed(Agent agent, EnrollmentResponse.Renewed response) {
            super(agent, response);
        }
    }
}
