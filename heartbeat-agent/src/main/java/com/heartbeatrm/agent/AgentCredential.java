package com.heartbeatrm.agent;

/**
 * A signed agent credential ({@code v4.public…}, purpose {@code heartbeat-agent-credential/v1}): the agent's
 * proof of identity until it expires. A bearer secret: prints redacted, compares in constant time.
 */
public final class AgentCredential extends SecretText {
    private AgentCredential(String text) {
        super(text);
    }

    public static AgentCredential of(String text) {
        if (text == null || text.length() > EnrollmentTokenVerifier.MAX_TOKEN_LENGTH || !text.startsWith("v4.public.")
                || !text.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new IllegalArgumentException("not an agent credential");
        }
        return new AgentCredential(text);
    }
}
