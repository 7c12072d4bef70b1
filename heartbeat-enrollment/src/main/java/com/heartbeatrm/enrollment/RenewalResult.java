package com.heartbeatrm.enrollment;

import com.heartbeatrm.agent.AgentCredential;
import com.heartbeatrm.agent.EnrollmentResponse;
import com.heartbeatrm.agent.EnrollmentResponse.Placement;
import com.heartbeatrm.core.Agent;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The outcome of a credential renewal (or a pending agent's poll); {@link #toResponse()} is what the agent is told. */
public sealed interface RenewalResult permits RenewalResult.Renewed, RenewalResult.Pending, RenewalResult.Denied {

    EnrollmentResponse toResponse();

    /** The agent's next credential, of generation {@code agent().credentialGeneration()}. Prints redacted. */
    final class Renewed implements RenewalResult {
        private final Agent agent;
        private final Placement placement;
        private final AgentCredential credential;
        private final Instant credentialExpiresAt;
        private final java.util.List<com.heartbeatrm.agent.KeyEndorsement> endorsements;
        private final java.util.List<String> tlsPins;

        Renewed(Agent agent, Placement placement, AgentCredential credential, Instant credentialExpiresAt) {
            this(agent, placement, credential, credentialExpiresAt, java.util.List.of(), java.util.List.of());
        }

        Renewed(Agent agent, Placement placement, AgentCredential credential, Instant credentialExpiresAt,
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
            return new EnrollmentResponse.Renewed(placement, credential, credentialExpiresAt, agent.credentialGeneration(), endorsements, tlsPins);
        }

        @Override
        public String toString() {
            return "Renewed[" + agent.id() + ", generation " + agent.credentialGeneration() + ", credential redacted]";
        }
    }

    /** Still waiting for approval. */
    record Pending(Agent agent, Placement placement) implements RenewalResult {
        public Pending {
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(placement, "placement");
        }

        @Override
        public EnrollmentResponse toResponse() {
            return new EnrollmentResponse.Pending(placement);
        }
    }

    /** Refused. {@code retryAfter}: when a throttle lifts. */
    record Denied(DenialReason reason, Optional<Duration> retryAfter) implements RenewalResult {
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
