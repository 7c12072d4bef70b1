package com.heartbeatrm.enrollment;

import com.heartbeatrm.agent.AgentCredential;
import com.heartbeatrm.core.Agent;
import java.time.Instant;
import java.util.Objects;

/** The outcome of a credential renewal (or a pending agent's poll). */
public sealed interface RenewalResult permits RenewalResult.Renewed, RenewalResult.Pending, RenewalResult.Denied {

    record Renewed(Agent agent, AgentCredential credential, Instant credentialExpiresAt) implements RenewalResult {
        public Renewed {
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(credential, "credential");
            Objects.requireNonNull(credentialExpiresAt, "credentialExpiresAt");
        }
    }

    record Pending(Agent agent) implements RenewalResult {
        public Pending {
            Objects.requireNonNull(agent, "agent");
        }
    }

    record Denied(DenialReason reason) implements RenewalResult {
        public Denied {
            Objects.requireNonNull(reason, "reason");
        }

        public String publicMessage() {
            return reason.publicMessage();
        }
    }
}
