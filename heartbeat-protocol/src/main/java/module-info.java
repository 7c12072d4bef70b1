/**
 * The HeartbeatRM enrollment protocol, what both ends share: enrollment tokens and agent credentials with their
 * verifiers, the signed enrollment and renewal requests, the answers, {@link com.heartbeatrm.protocol.DenialCode},
 * pinned keys and TLS pins. The codecs stay in {@code com.heartbeatrm.protocol.internal}, exported to no one.
 * Depends on the JDK and jackson-core only.
 */
module com.heartbeatrm.protocol {
    requires static org.jspecify;
    requires com.fasterxml.jackson.core;

    exports com.heartbeatrm.protocol;
}
