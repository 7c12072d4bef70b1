package com.heartbeatrm.enrollment;

import com.heartbeatrm.agent.AgentCredential;
import com.heartbeatrm.agent.EnrollmentResponse;
import com.heartbeatrm.agent.EnrollmentResponse.Placement;
import com.heartbeatrm.core.Agent;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The outcome of an enrollment; {@link #toResponse()} is what the agent is told. */
public sealed interface EnrollmentResult permits EnrollmentResult.Enrolled, EnrollmentResult.Pending, EnrollmentResult.Denied {

    /** The protocol answer. */
    EnrollmentResponse toResponse();

    /** The agent is ACTIVE and holds its first credential. Holds the credential, a secret: prints redacted. */
    final class Enrolled implements EnrollmentResult {
        private final Agent agent;
        private final Placement placement;
        private final AgentCredential credential;
        private final Instant credentialExpiresAt;
        private final java.util.List<com.heartbeatrm.agent.KeyEndorsement> endorsements;
        private final java.util.List<String> tlsPins;

        Enrolled(Agent agent, Placement placement, AgentCredential credential, Instant credentialExpiresAt) {
            this(agent, placement, credential, credentialExpiresAt, java.util.List.of(), java.util.List.of());
        }

        Enrolled(Agent agent, Placement placement, AgentCredential credential, Instant credentialExpiresAt,
                java.util.List<com.heartbeatrm.agent.KeyEndorsement> endorsements, java.util.List<String> tlsPins) {
            this.endorsements = java.util.List.copyOf(endorsements);
            this.tlsPins = java.util.List.copyOf(tlsPins);
            this.agent = Objects.requireNonNull(agent, "agent");
            this.placement = Objects.requireNonNull(placement, "placement");
            this.credential = Objects.requireNonNull(credential, "credential");
            this.credentialExpiresAt = Objects.requireNonNull(credentialExpiresAt, "credentialExpiresAt");
        }

        public Agent agent() {
            return agent;
        }

        /** The agent's organization's name and group path, as the agent is told them. */
        public Placement placement() {
            return placement;
        }

        public AgentCredential credential() {
            return credential;
        }

        public Instant credentialExpiresAt() {
            return credentialExpiresAt;
        }

        @Override
        public EnrollmentResponse toResponse() {
            return new EnrollmentResponse.Enrolled(placement, credential, credentialExpiresAt, agent.credentialGeneration(), endorsements, tlsPins);
        }

        @Override
        public String toString() {
            return "Enrolled[" + agent.id() + " in " + agent.groupId() + ", credential redacted]";
        }
    }

    /** The agent exists but waits for an admin; it polls with renewal requests and gets its credential once approved. */
    record Pending(Agent agent, Placement placement) implements EnrollmentResult {
        public Pending {
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(placement, "placement");
        }

        @Override
        public EnrollmentResponse toResponse() {
            return new EnrollmentResponse.Pending(placement);
        }
    }

    /** Refused; nothing was created or counted. {@code retryAfter}: when a throttle lifts. */
    record Denied(DenialReason reason, Optional<Duration> retryAfter) implements EnrollmentResult {
        public Denied {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }

        public Denied(DenialReason reason) {
            this(reason, Optional.empty());
        }

        public String publicMessage() {
            return reason.publicMessage();
        }

        @Override
        public EnrollmentResponse toResponse() {
            return new EnrollmentResponse.Denied(reason.publicCode(), reason.publicMessage(), retryAfter);
        }
    }
}
