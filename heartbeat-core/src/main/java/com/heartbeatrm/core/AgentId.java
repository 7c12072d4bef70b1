package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.RandomIds;

/**
 * The public, unguessable id of an agent: {@code agt_} followed by 128 random bits in base64url.
 * Safe to show in logs, audit records and URLs.
 */
public record AgentId(String value) {
    static final String PREFIX = "agt";

    /**
     * Checks the shape: {@code agt_} and 22 base64url characters in canonical form.
     *
     * @param value the id text
     * @throws InvalidInputException when the text is not an agent id
     */
    public AgentId {
        RandomIds.check("AgentId", PREFIX, value);
    }

    /**
     * A fresh random id, from a {@link java.security.SecureRandom}.
     *
     * @return a new id, unguessable
     */
    public static AgentId random() {
        return new AgentId(RandomIds.next(PREFIX));
    }

    /**
     * Parses untrusted text, throwing {@link InvalidInputException} when it is not an id of this kind.
     *
     * @param text the id as received
     * @return the id
     */
    public static AgentId parse(String text) {
        return new AgentId(text);
    }

    @Override
    public String toString() {
        return value;
    }
}
