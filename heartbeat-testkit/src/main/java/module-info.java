/**
 * The HeartbeatRM storage conformance kit: one contract interface per repository of the SPI, the kit that runs them
 * all, and a settable clock. Depends on the core module, JUnit and AssertJ only.
 */
module com.heartbeatrm.testkit {
    requires static org.jspecify;
    requires transitive com.heartbeatrm.core;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;

    exports com.heartbeatrm.testkit;

    opens com.heartbeatrm.testkit to org.junit.platform.commons;
}
