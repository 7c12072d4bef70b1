package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.Agent;
import java.util.Objects;

/** What {@link AgentStore#renew} did. */
public sealed interface RenewalCommit permits RenewalCommit.Applied, RenewalCommit.Denied, RenewalCommit.Replayed {

    /**
     * The verdict was stored; {@code agent} is the agent afterwards.
     *
     * @param agent the stored agent
     */
    record Applied(Agent agent) implements RenewalCommit {
        /**
         * Checks the agent is present.
         *
         * @param agent the stored agent
         */
        public Applied {
            Objects.requireNonNull(agent, "agent");
        }
    }

    /** The judge refused; nothing was stored. */
    record Denied() implements RenewalCommit {
    }

    /** Another request remembered the same nonce first; nothing was stored. */
    record Replayed() implements RenewalCommit {
    }
}
