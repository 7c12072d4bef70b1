package com.heartbeatrm.spring.autoconfigure;

import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;
import org.springframework.core.Ordered;

/**
 * Tells Spring Boot that {@link HeartbeatSchemaInitializer} beans initialize the database. Boot runs initializers in the
 * order of their detectors: Flyway's (order 1) and Liquibase's before ours, so the application's own migrations meet
 * the schema they expect on a fresh database; SQL scripts (schema.sql, data.sql; {@code LOWEST_PRECEDENCE - 100})
 * after ours, so they may use our tables. Same package and contract in Spring Boot 3 and 4.
 */
final class HeartbeatDatabaseInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {
    static final int ORDER = Ordered.LOWEST_PRECEDENCE - 200;

    @Override
    protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
        return Set.of(HeartbeatSchemaInitializer.class);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
