package com.heartbeatrm.core.spi;

import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.InvalidInputException;
import java.time.Instant;
import java.util.Objects;

/** What a {@link RenewalJudge} decided. None of these changes the agent's version, except {@link Change}. */
public sealed interface RenewalVerdict extends Judged<RenewalVerdict> permits RenewalVerdict.Renew, RenewalVerdict.Retry, RenewalVerdict.Poll,
        RenewalVerdict.Change, RenewalVerdict.Deny {

    /** A verdict is its own judged value. */
    @Override
    default RenewalVerdict verdict() {
        return this;
    }

    /**
     * The agent as a store keeps it after this verdict, seen at {@code now} (or later, when it was seen later): the
     * one rule every store applies. Throws for {@link Deny}, which changes nothing, and for a {@link Renew} that
     * would not raise the agent's generation.
     *
     * @param agent the agent as read
     * @param now the instant of the request
     * @return the agent to store
     * @throws InvalidInputException when a renewal would not raise the generation
     * @throws IllegalStateException for {@link Deny}
     */
    default Agent applyTo(Agent agent, Instant now) {
        Agent seen = now.isAfter(agent.lastSeenAt()) ? agent.withLastSeen(now) : agent;
        if (this instanceof Renew r) {
            if (r.generation() <= agent.credentialGeneration()) {
                throw new InvalidInputException("generation", "a renewal only ever raises the generation");
            }
            return seen.withCredential(r.generation(), now, now.plus(r.credentialTtl()));
        }
        if (this instanceof Change c) {
            return seen.withStatus(c.status()).withVersion(agent.version() + 1);
        }
        if (this instanceof Deny) {
            throw new IllegalStateException("a rejection changes nothing");
        }
        return seen;
    }

    /**
     * Issue credential generation {@code generation}, valid for {@code credentialTtl} from now: store it as the
     * agent's current one (with its issue and expiry times) with the attempt's nonce as its renewal nonce, remember
     * the nonce, and record the agent as seen.
     *
     * @param generation the new generation, at least 1 and above the agent's
     * @param credentialTtl the credential's lifetime, positive
     */
    record Renew(long generation, java.time.Duration credentialTtl) implements RenewalVerdict {
        /**
         * Validates the generation and the lifetime.
         *
         * @param generation at least 1
         * @param credentialTtl positive
         * @throws InvalidInputException when either is out of range
         */
        public Renew {
            if (generation < 1) {
                throw new InvalidInputException("generation", "must be at least 1");
            }
            if (credentialTtl == null || credentialTtl.isNegative() || credentialTtl.isZero()) {
                throw new InvalidInputException("credentialTtl", "must be positive");
            }
        }
    }

    /** The renewal that issued the current generation, resent: record the agent as seen, nothing else. */
    record Retry() implements RenewalVerdict {
    }

    /** A pending agent's poll: remember the nonce, record the agent as seen. */
    record Poll() implements RenewalVerdict {
    }

    /**
     * Change the agent's status (version + 1) with its audit event, and remember the nonce: a lock, an expiry.
     *
     * @param status the new status
     * @param audit the event stored with the change
     */
    record Change(AgentStatus status, AuditEvent audit) implements RenewalVerdict {
        /**
         * Checks that both parts are present.
         *
         * @param status the new status
         * @param audit the event
         */
        public Change {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(audit, "audit");
        }
    }

    /** Refused by the judge, which keeps its reason; the store writes nothing. */
    record Deny() implements RenewalVerdict {
    }
}
