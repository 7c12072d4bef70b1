package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.enrollment.HeartbeatServer;
import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDependsOnDatabaseInitializationDetector;

/**
 * Makes every {@link HeartbeatStore} and {@link HeartbeatServer} bean wait for all of the application's database
 * initializers (its Flyway or Liquibase, ours, SQL scripts): the server reads its tables when it is created, and with
 * {@code heartbeat.store.migrate=false} it is the application's Flyway that creates them.
 */
final class HeartbeatDependsOnDatabaseInitializationDetector extends AbstractBeansOfTypeDependsOnDatabaseInitializationDetector {
    @Override
    protected Set<Class<?>> getDependsOnDatabaseInitializationBeanTypes() {
        return Set.of(HeartbeatStore.class, HeartbeatServer.class);
    }
}
