/** The HeartbeatRM storage conformance kit and test helpers. */
module com.heartbeatrm.testkit {
    requires transitive com.heartbeatrm.core;
    requires transitive com.heartbeatrm.enrollment;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;

    exports com.heartbeatrm.testkit;

    opens com.heartbeatrm.testkit to org.junit.platform.commons;
}
