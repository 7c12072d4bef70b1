package com.heartbeatrm.enrollment;

/**
 * Why an enrollment or renewal was refused. The name is precise, for the audit log and support staff;
 * {@link #publicMessage()} is what the agent may be told: specific where it helps a user ("this installer's
 * access key was disabled"), coarse where a detail would help an attacker (anything about a token that did
 * not verify).
 */
public enum DenialReason {
    OVERSIZED("the request is too large"),
    MALFORMED("the request or installer is invalid"),
    BAD_SIGNATURE("the request or installer is invalid"),
    UNKNOWN_SIGNING_KEY("the request or installer is invalid"),
    WRONG_ISSUER("the request or installer is invalid"),
    TOKEN_UNKNOWN("the request or installer is invalid"),
    TOKEN_EXPIRED("this installer has expired"),
    TOKEN_REVOKED("this installer was revoked"),
    KEY_NOT_FOUND("this installer's access key no longer exists"),
    KEY_DISABLED("this installer's access key was disabled"),
    KEY_EXPIRED("this installer's access key has expired"),
    KEY_EXHAUSTED("this installer's access key has reached its maximum number of uses"),
    NETWORK_NOT_ALLOWED("enrollment is not allowed from this network"),
    PLATFORM_NOT_ALLOWED("enrollment is not allowed for this platform"),
    BAD_PROOF("the request was rejected"),
    CLOCK_SKEW("this computer's clock is too far off; correct it and try again"),
    REPLAYED("the request was rejected"),
    THROTTLED("too many failed attempts; try again later"),
    AGENT_NOT_FOUND("this agent is not enrolled; reinstall it"),
    AGENT_DISABLED("this agent was disabled by an administrator"),
    PENDING_EXPIRED("this agent's enrollment was not approved in time; reinstall it");

    private final String publicMessage;

    DenialReason(String publicMessage) {
        this.publicMessage = publicMessage;
    }

    /** The words an agent (and its user) may see. */
    public String publicMessage() {
        return publicMessage;
    }
}
