/**
 * The server side of HeartbeatRM enrollment: issuer signing keys with rotation, issuing and revoking enrollment
 * tokens (installers), and server-side token verification.
 */
module com.heartbeatrm.enrollment {
    requires transitive com.heartbeatrm.core;
    requires transitive com.heartbeatrm.agent;
    requires org.bouncycastle.provider;
    requires org.slf4j;

    exports com.heartbeatrm.enrollment;
}
