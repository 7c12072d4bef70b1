package com.heartbeatrm.spring.boot3;

import java.io.IOException;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.util.ClassUtils;

/**
 * Keeps Spring Boot 3's own Flyway off in an application that has no Flyway migrations of its own. The starter puts
 * {@code flyway-core} on the class path (our schema needs it); Spring Boot 3, unlike 4, then runs its Flyway
 * auto-configuration for the application, which refuses a database that already holds tables but no Flyway history
 * ("Found non-empty schema(s) ... but no schema history table"). So, only when {@code spring.flyway.enabled} is not set
 * anywhere and no migration is found at {@code spring.flyway.locations} (by default {@code classpath:db/migration}),
 * this adds {@code spring.flyway.enabled=false} as the lowest-precedence default. An application with migrations, or
 * one that sets the property, is left exactly as it is. Our own schema does not depend on it: it is applied by our
 * initializer with its own history table. Registered for Spring Boot 3 only ({@code META-INF/spring.factories}).
 */
public final class HeartbeatBoot3FlywayDefault implements EnvironmentPostProcessor, Ordered {
    static final String SOURCE = "heartbeatFlywayDefault";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        ClassLoader loader = application.getClassLoader();
        if (environment.containsProperty("spring.flyway.enabled") || !ClassUtils.isPresent("org.flywaydb.core.Flyway", loader)) {
            return;
        }
        String locations = environment.getProperty("spring.flyway.locations", "classpath:db/migration");
        if (!hasMigrations(locations, loader)) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of("spring.flyway.enabled", "false")));
        }
    }

    /** Whether any location names something other than an empty class path directory (anything else counts as migrations). */
    private static boolean hasMigrations(String locations, ClassLoader loader) {
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(loader);
        for (String raw : locations.split(",")) {
            String location = raw.strip();
            if (location.isEmpty()) {
                continue;
            }
            if (!location.startsWith("classpath:") || location.contains("{")) {
                return true;
            }
            String path = location.substring("classpath:".length()).replaceFirst("^/+", "").replaceFirst("/+$", "");
            try {
                for (var r : resolver.getResources("classpath*:" + path + "/**/*.*")) {
                    if (r.isReadable()) {
                        return true;
                    }
                }
            } catch (IOException e) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
