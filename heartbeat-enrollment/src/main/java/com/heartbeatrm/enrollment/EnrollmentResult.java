package com.heartbeatrm.enrollment;

import com.heartbeatrm.agent.AgentCredential;
import com.heartbeatrm.core.Agent;
import java.time.Instant;
import java.util.Objects;

/** The outcome of an enrollment. */
public sealed interface EnrollmentResult permits EnrollmentResult.Enrolled, EnrollmentResult.PendingApproval, EnrollmentResult.Denied {

    /** The agent is ACTIVE and holds a credential valid until {@code credentialExpiresAt}. */
    record Enrolled(Agent agent, AgentCredential credential, Instant credentialExpiresAt) implements EnrollmentResult {
        public Enrolled {
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(credential, "credential");
            Objects.requireNonNull(credentialExpiresAt, "credentialExpiresAt");
        }
    }

    /** The agent exists but waits for an admin; it polls with renewal requests and gets its credential once approved. */
    record PendingApproval(Agent agent) implements EnrollmentResult {
        public PendingApproval {
            Objects.requireNonNull(agent, "agent");
        }
    }

    /** Refused; nothing was created or counted. */
    record Denied(DenialReason reason) implements EnrollmentResult {
        public Denied {
            Objects.requireNonNull(reason, "reason");
        }

        public String publicMessage() {
            return reason.publicMessage();
        }
    }
}
