/**
 * HeartbeatRM core: the enrollment model (organizations, groups, inherited security settings,
 * access keys, agents, audit), the storage SPI and its in-memory default.
 */
module com.heartbeatrm.core {
    requires static org.jspecify;
    exports com.heartbeatrm.core;
    exports com.heartbeatrm.core.spi;
    exports com.heartbeatrm.core.memory;
}
