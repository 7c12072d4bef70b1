package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.CredentialClaims;
import com.heartbeatrm.core.Agent;
import java.util.Objects;

/** What {@link AgentCredentials#check} found about a credential an agent presented to the host. */
public sealed interface CredentialCheck permits CredentialCheck.Valid, CredentialCheck.Denied {

    /**
     * The credential verifies, is current, and its agent is ACTIVE now.
     *
     * @param claims the credential's verified claims
     * @param agent the agent as stored now
     */
    record Valid(CredentialClaims claims, Agent agent) implements CredentialCheck {
        /**
         * Checks that no component is null.
         *
         * @param claims the credential's verified claims
         * @param agent the agent as stored now
         */
        public Valid {
            Objects.requireNonNull(claims, "claims");
            Objects.requireNonNull(agent, "agent");
        }
    }

    /**
     * Denied; {@code detail} names ids, never the credential.
     *
     * @param reason why the host should refuse the request
     * @param detail for logs; ids only
     */
    record Denied(DenialReason reason, String detail) implements CredentialCheck {
        /**
         * Checks that no component is null.
         *
         * @param reason why the host should refuse the request
         * @param detail for logs; ids only
         */
        public Denied {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
