package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.SecretAccess;
import com.heartbeatrm.core.SecretBytes;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.EnrollmentObserver;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.KeyEncryptionKey;
import com.heartbeatrm.enrollment.admin.AdminAuthenticator;
import com.heartbeatrm.enrollment.admin.AdminEndpoint;
import com.heartbeatrm.enrollment.admin.AdminToken;
import com.heartbeatrm.servlet.AdminServlet;
import com.heartbeatrm.servlet.EnrollmentServlet;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Base64;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * HeartbeatRM in a Spring Boot application. Every bean backs off when the application defines its own.
 * <ul>
 * <li>The store: the JDBC store on the application's {@link DataSource}, joining Spring-managed transactions
 * ({@link SpringTransactionRunner}) and migrating its own tables with Flyway unless told not to; without a
 * {@code DataSource}, the in-memory store, with a warning at startup.</li>
 * <li>The key-encryption key: a {@link KeyEncryptionKey} bean, or {@code heartbeat.key-encryption-key} (base64), or
 * {@code heartbeat.key-encryption-key-file}; startup fails, saying so, when there is none.</li>
 * <li>{@link HeartbeatServer} and {@link HeartbeatAdmin}.</li>
 * <li>The enrollment endpoints under {@code heartbeat.enrollment.path} ({@code /v1}); the admin JSON API under
 * {@code heartbeat.admin-api.path} only when {@code heartbeat.admin-api.enabled=true}: behind the application's
 * Spring Security when it is present, else behind {@code heartbeat.admin-api.token}.</li>
 * <li>Micrometer timers {@code heartbeat.enrollments} and {@code heartbeat.renewals}, and a {@code heartbeat}
 * health indicator, when Actuator's pieces are there.</li>
 * </ul>
 */
@AutoConfiguration(afterName = {"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@EnableConfigurationProperties(HeartbeatProperties.class)
public class HeartbeatAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatAutoConfiguration.class);

    /** The JDBC store on the application's DataSource. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(JdbcHeartbeatStore.class)
    @ConditionalOnBean(DataSource.class)
    static class JdbcStore {
        @Bean
        @ConditionalOnMissingBean(HeartbeatStore.class)
        JdbcHeartbeatStore heartbeatStore(DataSource dataSource, HeartbeatProperties properties) {
            JdbcHeartbeatStore.Builder b = JdbcHeartbeatStore.builder(dataSource).tablePrefix(properties.getStore().getTablePrefix())
                    .transactions(new SpringTransactionRunner());
            String schema = properties.getStore().getSchema();
            if (schema != null && !schema.isBlank()) {
                b.schema(schema);
            }
            JdbcHeartbeatStore store = b.build();
            if (properties.getStore().isMigrate()) {
                store.migrate();
            }
            return store;
        }
    }

    /**
     * Micrometer meters, when Micrometer is on the class path. The registry is looked up when the first request is
     * observed, so the order in which auto-configurations define it does not matter; without one, nothing is metered.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean(EnrollmentObserver.class)
        MicrometerEnrollmentObserver heartbeatEnrollmentObserver(ObjectProvider<MeterRegistry> registry) {
            return new MicrometerEnrollmentObserver(registry::getIfAvailable);
        }
    }

    @Bean
    @ConditionalOnMissingBean(HeartbeatStore.class)
    HeartbeatStore heartbeatInMemoryStore() {
        LOG.warn("HeartbeatRM runs on the in-memory store: nothing survives a restart and nodes share nothing."
                + " Define a DataSource (spring.datasource.*) to use the JDBC store.");
        return new InMemoryHeartbeatStore();
    }

    @Bean
    @ConditionalOnMissingBean(KeyEncryptionKey.class)
    KeyEncryptionKey heartbeatKeyEncryptionKey(HeartbeatProperties properties) throws IOException {
        byte[] key;
        if (properties.getKeyEncryptionKey() != null && !properties.getKeyEncryptionKey().isBlank()) {
            try {
                key = Base64.getDecoder().decode(properties.getKeyEncryptionKey().strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("heartbeat.key-encryption-key is not base64");
            }
        } else if (properties.getKeyEncryptionKeyFile() != null) {
            key = Files.readAllBytes(properties.getKeyEncryptionKeyFile());
        } else {
            throw new IllegalStateException("HeartbeatRM needs a key-encryption key: set heartbeat.key-encryption-key (base64 of 32 random"
                    + " bytes, from the environment) or heartbeat.key-encryption-key-file, or define a KeyEncryptionKey bean");
        }
        if (key.length != 32) {
            throw new IllegalStateException("the key-encryption key must be 32 bytes, not " + key.length);
        }
        try {
            return AesGcmKeyEncryptionKey.of(properties.getKeyEncryptionKeyId(), SecretBytes.copyOf(key, SecretAccess.grant()));
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    @Bean
    @ConditionalOnMissingBean(HeartbeatServer.class)
    HeartbeatServer heartbeatServer(HeartbeatStore store, KeyEncryptionKey kek, HeartbeatProperties properties,
            ObjectProvider<EnrollmentObserver> observer, ObjectProvider<Clock> clock) {
        HeartbeatServer.Builder b = HeartbeatServer.builder(store, kek, properties.getIssuer());
        if (!properties.getEndpoints().isEmpty()) {
            b.endpoints(properties.getEndpoints());
        }
        if (!properties.getTlsPins().isEmpty()) {
            b.tlsPins(properties.getTlsPins());
        }
        observer.ifAvailable(b::observer);
        clock.ifAvailable(b::clock);
        HeartbeatServer server = b.build();
        server.signingKeys().ensureActiveKey();
        return server;
    }

    @Bean
    @ConditionalOnMissingBean(HeartbeatAdmin.class)
    HeartbeatAdmin heartbeatAdmin(HeartbeatServer server) {
        return server.admin();
    }

    /** The servlets, in a servlet web application. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(ServletRegistrationBean.class)
    static class Servlets {
        @Bean
        @ConditionalOnProperty(prefix = "heartbeat.enrollment", name = "enabled", matchIfMissing = true)
        @ConditionalOnMissingBean(name = "heartbeatEnrollmentServlet")
        ServletRegistrationBean<EnrollmentServlet> heartbeatEnrollmentServlet(HeartbeatServer server, HeartbeatProperties properties) {
            ServletRegistrationBean<EnrollmentServlet> r = new ServletRegistrationBean<>(new EnrollmentServlet(server.endpoint()),
                    mapping(properties.getEnrollment().getPath()));
            r.setName("heartbeatEnrollmentServlet");
            return r;
        }

        @Bean
        @ConditionalOnProperty(prefix = "heartbeat.admin-api", name = "enabled", havingValue = "true")
        @ConditionalOnMissingBean(name = "heartbeatAdminServlet")
        ServletRegistrationBean<AdminServlet> heartbeatAdminServlet(HeartbeatServer server, HeartbeatProperties properties,
                ObjectProvider<AdminAuthenticator> authenticator) {
            AdminAuthenticator auth = authenticator.getIfAvailable(() -> defaultAuthenticator(properties));
            ServletRegistrationBean<AdminServlet> r = new ServletRegistrationBean<>(new AdminServlet(AdminEndpoint.builder(server, auth).build()),
                    mapping(properties.getAdminApi().getPath()));
            r.setName("heartbeatAdminServlet");
            return r;
        }

        private static AdminAuthenticator defaultAuthenticator(HeartbeatProperties properties) {
            if (SECURITY_PRESENT) {
                return AdminAuthenticator.hostAuthenticated();
            }
            String token = properties.getAdminApi().getToken();
            if (token == null || token.isBlank()) {
                throw new IllegalStateException("heartbeat.admin-api.enabled=true without Spring Security needs heartbeat.admin-api.token"
                        + " (at least 128 bits, from the environment)");
            }
            try {
                return AdminAuthenticator.bearer(AdminToken.of(token.strip()), Actor.of("admin-api"), Clock.systemUTC());
            } catch (InvalidInputException e) {
                throw new IllegalStateException("heartbeat.admin-api.token " + e.getMessage().replaceFirst("^adminToken: ", ""));
            }
        }

        private static String mapping(String path) {
            String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            return (p.startsWith("/") ? p : "/" + p) + "/*";
        }
    }

    static final boolean SECURITY_PRESENT = isPresent("org.springframework.security.core.Authentication");

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, HeartbeatAutoConfiguration.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The health indicator, when Spring Boot's health support is there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "heartbeatHealthIndicator")
        HeartbeatHealthIndicator heartbeatHealthIndicator(HeartbeatServer server) {
            return new HeartbeatHealthIndicator(server);
        }
    }
}
