package com.heartbeatrm.spring.autoconfigure;

import javax.sql.DataSource;
import org.springframework.beans.factory.InitializingBean;

/**
 * Applies HeartbeatRM's schema to the application's DataSource (Flyway, history table {@code <prefix>schema_history})
 * as one of Spring Boot's database initializers, the way Spring Session's schema initializer takes part: Boot orders
 * it after the application's own Flyway and Liquibase (so a host's Flyway meets a fresh schema as it expects) and
 * before every bean that depends on database initialization, among them the HeartbeatRM store and server. Defined by
 * the auto-configuration when {@code heartbeat.store.migrate} is true (the default).
 */
public final class HeartbeatSchemaInitializer implements InitializingBean {
    private final DataSource dataSource;
    private final HeartbeatStoreProperties properties;

    /**
     * An initializer that migrates when Spring initializes the bean.
     *
     * @param dataSource the application's DataSource
     * @param properties the table prefix and schema to migrate
     */
    public HeartbeatSchemaInitializer(DataSource dataSource, HeartbeatStoreProperties properties) {
        this.dataSource = dataSource;
        this.properties = properties;
    }

    @Override
    public void afterPropertiesSet() {
        JdbcStores.migrate(dataSource, properties);
    }

    @Override
    public String toString() {
        return "HeartbeatSchemaInitializer[" + properties.getTablePrefix() + "]";
    }
}
