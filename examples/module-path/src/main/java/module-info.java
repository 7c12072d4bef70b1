/** Uses the SDK as a named module would: on the module path, with the JDBC store's migrations read from its module. */
module com.heartbeatrm.examples.modulepath {
    requires com.heartbeatrm.enrollment;
    requires com.heartbeatrm.store.jdbc;
    requires flyway.core;
    requires com.h2database;

    exports com.heartbeatrm.examples.modulepath;
}
