package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.Agent;
import java.util.Objects;

/** What {@link AgentStore#enroll} did. */
public sealed interface EnrollmentCommit permits EnrollmentCommit.Enrolled, EnrollmentCommit.AlreadyEnrolled, EnrollmentCommit.Locked,
        EnrollmentCommit.Denied, EnrollmentCommit.DeniedAtCommit {

    /**
     * One use was counted and the agent created, with its audit event and the nonce.
     *
     * @param agent the new agent
     */
    record Enrolled(Agent agent) implements EnrollmentCommit {
        /**
         * Checks the agent is present.
         *
         * @param agent the new agent
         */
        public Enrolled {
            Objects.requireNonNull(agent, "agent");
        }
    }

    /**
     * The judge found the agent key enrolled before: nothing was counted or created; the nonce was remembered.
     *
     * @param existing the agent enrolled before
     */
    record AlreadyEnrolled(Agent existing) implements EnrollmentCommit {
        /**
         * Checks the agent is present.
         *
         * @param existing the agent enrolled before
         */
        public AlreadyEnrolled {
            Objects.requireNonNull(existing, "existing");
        }
    }

    /**
     * The judge found a copy of an identity: {@code agent} is now stored LOCKED, with its audit event and the nonce.
     *
     * @param agent the agent as stored, LOCKED
     */
    record Locked(Agent agent) implements EnrollmentCommit {
        /**
         * Checks the agent is present.
         *
         * @param agent the locked agent
         */
        public Locked {
            Objects.requireNonNull(agent, "agent");
        }
    }

    /** The judge refused; nothing was stored. */
    record Denied() implements EnrollmentCommit {
    }

    /**
     * The judge admitted, but the commit-time checks refused; nothing was stored.
     *
     * @param reason which check refused
     */
    record DeniedAtCommit(Reason reason) implements EnrollmentCommit {
        /**
         * Checks the reason is present.
         *
         * @param reason which check refused
         */
        public DeniedAtCommit {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why a commit-time check refused. */
    enum Reason {
        /** The access key no longer exists in the organization. */
        KEY_NOT_FOUND,
        /** The access key was disabled. */
        KEY_DISABLED,
        /** The access key expired. */
        KEY_EXPIRED,
        /** The access key reached its maximum number of uses. */
        KEY_EXHAUSTED,
        /** The installer has a use limit (a single-use link) and another computer used it up. */
        INSTALLER_EXHAUSTED,
        /** Another request remembered the same nonce first. */
        REPLAYED,
        /** The key kept changing (re-pointed) between the store's read and its commit, on every retry. */
        KEY_CHANGED
    }
}
