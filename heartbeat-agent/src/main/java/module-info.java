/**
 * The agent side of HeartbeatRM: verify an enrollment token against pinned issuer keys before talking to anyone,
 * enroll and renew over HTTPS with the token's TLS pins ({@link com.heartbeatrm.agent.EnrollmentClient}), and keep
 * the agent's identity ({@link com.heartbeatrm.agent.AgentIdentityStore}). The wire types it speaks are in
 * {@code com.heartbeatrm.protocol}. Depends on the JDK, jackson-core and the protocol module only.
 */
module com.heartbeatrm.agent {
    requires static org.jspecify;
    requires transitive com.heartbeatrm.protocol;
    requires transitive java.net.http;
    // The XML property lists of macOS managed preferences (StAX, no DTD, no external entity).
    requires java.xml;

    exports com.heartbeatrm.agent;
}
