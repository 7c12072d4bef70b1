/**
 * The server side of HeartbeatRM: {@link com.heartbeatrm.enrollment.HeartbeatServer}, one facade over a store that
 * owns the signing keys, issuing and revoking installers, the enrollment and renewal pipelines, agent credentials and
 * the transport-neutral {@link com.heartbeatrm.enrollment.EnrollmentEndpoint}.
 */
module com.heartbeatrm.enrollment {
    requires static org.jspecify;
    requires transitive com.heartbeatrm.core;
    requires transitive com.heartbeatrm.protocol;
    requires transitive com.heartbeatrm.installer;
    requires com.heartbeatrm.tpm;
    requires org.bouncycastle.provider;
    requires org.slf4j;

    exports com.heartbeatrm.enrollment;
    exports com.heartbeatrm.enrollment.admin;
}
