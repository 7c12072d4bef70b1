package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.InvalidInputException;
import java.util.Objects;

/** What a {@link RenewalJudge} decided. None of these changes the agent's version, except {@link Change}. */
public sealed interface RenewalVerdict permits RenewalVerdict.Renew, RenewalVerdict.Retry, RenewalVerdict.Poll, RenewalVerdict.Change,
        RenewalVerdict.Reject {

    /**
     * Issue credential generation {@code generation}: store it as the agent's current one with the attempt's nonce
     * as its renewal nonce, remember the nonce, and record the agent as seen.
     */
    record Renew(long generation) implements RenewalVerdict {
        public Renew {
            if (generation < 1) {
                throw new InvalidInputException("generation", "must be at least 1");
            }
        }
    }

    /** The renewal that issued the current generation, resent: record the agent as seen, nothing else. */
    record Retry() implements RenewalVerdict {
    }

    /** A pending agent's poll: remember the nonce, record the agent as seen. */
    record Poll() implements RenewalVerdict {
    }

    /** Change the agent's status (version + 1) with its audit event, and remember the nonce: a lock, an expiry. */
    record Change(AgentStatus status, AuditEvent audit) implements RenewalVerdict {
        public Change {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(audit, "audit");
        }
    }

    /** Refused by the judge, which keeps its reason; the store writes nothing. */
    record Reject() implements RenewalVerdict {
    }
}
