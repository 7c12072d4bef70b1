package com.heartbeatrm.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A signed agent credential ({@code v4.public…}, purpose {@code heartbeat-agent-credential/v1}): the agent's
 * proof of identity until it expires. A bearer secret: prints redacted, compares in constant time.
 */
public final class AgentCredential {
    private final String text;

    private AgentCredential(String text) {
        this.text = text;
    }

    public static AgentCredential of(String text) {
        if (text == null || text.isEmpty() || text.length() > EnrollmentTokenVerifier.MAX_TOKEN_LENGTH || !text.startsWith("v4.public.")) {
            throw new IllegalArgumentException("not an agent credential");
        }
        return new AgentCredential(text);
    }

    public String reveal() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AgentCredential c && MessageDigest.isEqual(c.text.getBytes(StandardCharsets.US_ASCII),
                text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public int hashCode() {
        return text.length();
    }

    @Override
    public String toString() {
        return "AgentCredential[redacted]";
    }
}
