package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.CredentialClaims;
import com.heartbeatrm.core.Agent;
import java.util.Objects;

/** What {@link AgentCredentials#check} found about a credential an agent presented to the host. */
public sealed interface CredentialCheck permits CredentialCheck.Valid, CredentialCheck.Denied {

    /** The credential verifies, is current, and its agent is ACTIVE now. */
    record Valid(CredentialClaims claims, Agent agent) implements CredentialCheck {
        public Valid {
            Objects.requireNonNull(claims, "claims");
            Objects.requireNonNull(agent, "agent");
        }
    }

    /** Denied; {@code detail} names ids, never the credential. */
    record Denied(DenialReason reason, String detail) implements CredentialCheck {
        public Denied {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
