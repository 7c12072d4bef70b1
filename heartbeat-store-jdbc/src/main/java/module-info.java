/** The HeartbeatRM storage SPI over JDBC: PostgreSQL, MariaDB and H2. */
module com.heartbeatrm.store.jdbc {
    requires static org.jspecify;
    requires transitive com.heartbeatrm.core;
    requires transitive java.sql;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;
    requires static flyway.core;

    exports com.heartbeatrm.store.jdbc;

    // The schema scripts, for a host's own Flyway (or Liquibase) on the module path.
    opens com.heartbeatrm.store.jdbc.migration.postgresql;
    opens com.heartbeatrm.store.jdbc.migration.mariadb;
    opens com.heartbeatrm.store.jdbc.migration.h2;
}
