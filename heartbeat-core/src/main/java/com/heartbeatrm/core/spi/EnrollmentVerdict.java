package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.InvalidInputException;
import java.util.Objects;

/** What an {@link EnrollmentJudge} decided. */
public sealed interface EnrollmentVerdict extends Judged<EnrollmentVerdict> permits EnrollmentVerdict.Admit, EnrollmentVerdict.Existing,
        EnrollmentVerdict.Lock, EnrollmentVerdict.Deny {

    /** A verdict is its own judged value. */
    @Override
    default EnrollmentVerdict verdict() {
        return this;
    }

    /**
     * Create {@code agent} (version 0) in its group, counting one use of its key, which must still point at that
     * group, be enabled, unexpired and below its maximum at commit, and, when the installer has a use limit, one use of
     * the installer, which must still be below it; remember the nonce; append {@code audit}.
     *
     * @param agent the agent to create
     * @param audit its enrollment event, of the agent's organization
     */
    record Admit(Agent agent, AuditEvent audit) implements EnrollmentVerdict {
        /**
         * Checks that both parts are present and of one organization.
         *
         * @param agent the agent to create
         * @param audit its enrollment event
         * @throws InvalidInputException when the event is of another organization
         */
        public Admit {
            checkAudited(agent, audit);
        }
    }

    /**
     * The agent key enrolled before: hand its agent back, counting nothing; remember the nonce.
     *
     * @param agent the agent enrolled before
     */
    record Existing(Agent agent) implements EnrollmentVerdict {
        /**
         * Checks the agent is present.
         *
         * @param agent the agent enrolled before
         */
        public Existing {
            Objects.requireNonNull(agent, "agent");
        }
    }

    /**
     * The agent key is held by {@code agent}, which is past its first generation: the request presents a copy of
     * that identity. Store {@code agent} LOCKED (version + 1, only if the stored agent is still at {@code agent}'s
     * version) with {@code audit}; remember the nonce; count nothing.
     *
     * @param agent the agent as read
     * @param audit the lock's event, of the agent's organization
     */
    record Lock(Agent agent, AuditEvent audit) implements EnrollmentVerdict {
        /**
         * Checks that both parts are present and of one organization.
         *
         * @param agent the agent as read
         * @param audit the lock's event
         * @throws InvalidInputException when the event is of another organization
         */
        public Lock {
            checkAudited(agent, audit);
        }

        /**
         * The agent as the store keeps it: LOCKED, one version on.
         *
         * @return the locked copy
         */
        public Agent locked() {
            return agent.withStatus(com.heartbeatrm.core.AgentStatus.LOCKED).withVersion(agent.version() + 1);
        }
    }

    /** What a verdict that writes {@code agent} requires of it and of {@code audit}, its record. */
    private static void checkAudited(Agent agent, AuditEvent audit) {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(audit, "audit");
        if (!audit.organizationId().equals(agent.organizationId())) {
            throw new InvalidInputException("audit", "must be of the agent's organization");
        }
    }

    /** Refused by the judge, which keeps its reason; the store writes nothing. */
    record Deny() implements EnrollmentVerdict {
    }
}
