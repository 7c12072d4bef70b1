package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Agent;
import java.util.Objects;

/** What {@link AgentStore#enroll} did. */
public sealed interface KeyUseResult permits KeyUseResult.Enrolled, KeyUseResult.AlreadyEnrolled, KeyUseResult.Refused {

    /** One use was counted and the agent created. {@code key} is the key after the use. */
    record Enrolled(Agent agent, AccessKey key) implements KeyUseResult {
        public Enrolled {
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * An agent with the same public-key fingerprint already exists in the organization: nothing was counted or
     * created. This is how a retry whose response was lost gets its agent back.
     */
    record AlreadyEnrolled(Agent existing) implements KeyUseResult {
        public AlreadyEnrolled {
            Objects.requireNonNull(existing, "existing");
        }
    }

    /** Nothing was counted or created. */
    record Refused(Reason reason) implements KeyUseResult {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why a key use was refused at commit. */
    enum Reason {
        KEY_NOT_FOUND,
        KEY_DISABLED,
        KEY_EXPIRED,
        KEY_EXHAUSTED,
        /** The key was re-pointed after the caller resolved its group; resolve again and retry. */
        GROUP_CHANGED
    }
}
