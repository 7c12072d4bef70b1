/**
 * The agent side of HeartbeatRM: verify an enrollment token against pinned issuer keys before talking to anyone,
 * enroll and renew over HTTPS with the token's TLS pins ({@link com.heartbeatrm.agent.EnrollmentClient}), and keep
 * the agent's identity ({@link com.heartbeatrm.agent.AgentIdentityStore}). The protocol's request and response
 * types are shared with the server. Depends on the JDK and jackson-core only.
 */
module com.heartbeatrm.agent {
    requires static org.jspecify;
    requires com.fasterxml.jackson.core;
    requires transitive java.net.http;
    // The XML property lists of macOS managed preferences (StAX, no DTD, no external entity).
    requires java.xml;

    exports com.heartbeatrm.agent;
    // Shared with the server side (signing, fast verification, strict JSON); not part of the public API.
    exports com.heartbeatrm.agent.internal to com.heartbeatrm.enrollment, com.heartbeatrm.installer;
}
