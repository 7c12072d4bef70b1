/**
 * The agent side of HeartbeatRM: verify an enrollment token against pinned issuer keys before talking to
 * anyone. Depends on the JDK and jackson-core only.
 */
module com.heartbeatrm.agent {
    requires com.fasterxml.jackson.core;

    exports com.heartbeatrm.agent;
    // Shared with the server side (signing, fast verification); not part of the public API.
    exports com.heartbeatrm.agent.internal to com.heartbeatrm.enrollment;
}
