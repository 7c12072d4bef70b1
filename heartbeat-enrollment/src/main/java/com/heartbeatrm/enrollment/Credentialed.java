package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.protocol.EnrollmentResponse.Placement;
import com.heartbeatrm.core.Agent;
import java.time.Instant;
import java.util.Objects;

/**
 * An agent and the credential just issued to it: what {@link EnrollmentResult.Enrolled} and
 * {@link RenewalResult.Renewed} have in common. The answer the agent receives ({@link #toResponse()}) is built once,
 * with the agent; the accessors read from it. Holds the credential, a secret: prints redacted.
 *
 * @param <R> the protocol answer: {@link EnrollmentResponse.Enrolled} or {@link EnrollmentResponse.Renewed}
 */
public abstract sealed class Credentialed<R extends EnrollmentResponse.Credentialed> permits EnrollmentResult.Enrolled, RenewalResult.Renewed {
    private final Agent agent;
    private final R response;

    Credentialed(Agent agent, R response) {
        this.agent = Objects.requireNonNull(agent, "agent");
        this.response = Objects.requireNonNull(response, "response");
    }

    /**
     * The agent as stored, with the generation of this credential.
     *
     * @return the agent after this enrollment or renewal
     */
    public Agent agent() {
        return agent;
    }

    /**
     * The agent's organization's name and group path, as the agent is told them.
     *
     * @return the placement in the answer
     */
    public Placement placement() {
        return response.placement();
    }

    /**
     * The credential this answer carries: the agent presents it to the host's APIs and renews it before it expires.
     *
     * @return the signed credential (a bearer secret of the agent: do not log it)
     */
    public AgentCredential credential() {
        return response.credential();
    }

    /**
     * When the credential stops being accepted.
     *
     * @return the credential's expiry, by the server's clock
     */
    public Instant credentialExpiresAt() {
        return response.credentialExpiresAt();
    }

    /**
     * The protocol answer, for a transport that encodes it itself.
     *
     * @return the answer the agent receives
     */
    public R toResponse() {
        return response;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + agent.id() + " in " + agent.groupId() + ", generation " + agent.credentialGeneration()
                + ", credential redacted]";
    }
}
