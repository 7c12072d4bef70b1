package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.Agent;
import java.util.Objects;

/** What {@link AgentStore#enroll} did. */
public sealed interface EnrollmentCommit permits EnrollmentCommit.Enrolled, EnrollmentCommit.AlreadyEnrolled, EnrollmentCommit.Locked,
        EnrollmentCommit.Denied, EnrollmentCommit.DeniedAtCommit {

    /** One use was counted and the agent created, with its audit event and the nonce. */
    record Enrolled(Agent agent) implements EnrollmentCommit {
        public Enrolled {
            Objects.requireNonNull(agent, "agent");
        }
    }

    /** The judge found the agent key enrolled before: nothing was counted or created; the nonce was remembered. */
    record AlreadyEnrolled(Agent existing) implements EnrollmentCommit {
        public AlreadyEnrolled {
            Objects.requireNonNull(existing, "existing");
        }
    }

    /** The judge found a copy of an identity: {@code agent} is now stored LOCKED, with its audit event and the nonce. */
    record Locked(Agent agent) implements EnrollmentCommit {
        public Locked {
            Objects.requireNonNull(agent, "agent");
        }
    }

    /** The judge refused; nothing was stored. */
    record Denied() implements EnrollmentCommit {
    }

    /** The judge admitted, but the commit-time checks refused; nothing was stored. */
    record DeniedAtCommit(Reason reason) implements EnrollmentCommit {
        public DeniedAtCommit {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why a commit-time check refused. */
    enum Reason {
        KEY_NOT_FOUND,
        KEY_DISABLED,
        KEY_EXPIRED,
        KEY_EXHAUSTED,
        /** The installer has a use limit (a single-use link) and another computer used it up. */
        INSTALLER_EXHAUSTED,
        /** Another request remembered the same nonce first. */
        REPLAYED,
        /** The key kept changing (re-pointed) between the store's read and its commit, on every retry. */
        KEY_CHANGED
    }
}
