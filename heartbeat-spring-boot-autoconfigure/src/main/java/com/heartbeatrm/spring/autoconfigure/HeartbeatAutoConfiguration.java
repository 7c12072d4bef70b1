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
import com.heartbeatrm.enrollment.admin.AdminAuthorizer;
import com.heartbeatrm.enrollment.admin.AdminEndpoint;
import com.heartbeatrm.enrollment.admin.AdminToken;
import com.heartbeatrm.servlet.AdminServlet;
import com.heartbeatrm.servlet.EnrollmentServlet;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
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
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * HeartbeatRM in a Spring Boot application. Every bean backs off when the application defines its own.
 * <ul>
 * <li>The store: the JDBC store on the application's {@link DataSource}, joining Spring-managed transactions
 * ({@link SpringTransactionRunner}), its tables migrated by {@link HeartbeatSchemaInitializer} as one of Spring Boot's
 * database initializers unless told not to; without a {@code DataSource}, startup fails saying so. The in-memory
 * store only with {@code heartbeat.store.type=memory}.</li>
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
@AutoConfiguration(afterName = {
    // Spring Boot 4
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    // Spring Boot 3
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@EnableConfigurationProperties(HeartbeatProperties.class)
public class HeartbeatAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatAutoConfiguration.class);

    /**
     * Our schema, as one of Spring Boot's database initializers (see {@link HeartbeatSchemaInitializer}); the
     * configurer that orders initializers is imported here too, for applications where no auto-configuration of
     * Boot's (Flyway, SQL init) imports it.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {JdbcStores.CLASS_NAME, "org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer"})
    @ConditionalOnProperty(prefix = "heartbeat.store", name = "type", havingValue = "jdbc", matchIfMissing = true)
    @Import(DatabaseInitializationDependencyConfigurer.class)
    static class Schema {
        @Bean
        @ConditionalOnMissingBean({HeartbeatStore.class, HeartbeatSchemaInitializer.class})
        @ConditionalOnProperty(prefix = "heartbeat.store", name = "migrate", havingValue = "true", matchIfMissing = true)
        @ConditionalOnBean(DataSource.class)
        HeartbeatSchemaInitializer heartbeatSchemaInitializer(DataSource dataSource, HeartbeatProperties properties) {
            return new HeartbeatSchemaInitializer(dataSource, properties.getStore());
        }
    }

    /**
     * The store: the JDBC store on the application's DataSource, or the in-memory one when
     * {@code heartbeat.store.type=memory}. Never the in-memory store by default: an application that lost its
     * DataSource to a wrong order of auto-configurations would look healthy and forget every agent at its next restart.
     * The DataSource is looked up when the store is made, not by a condition, so no order of auto-configurations can
     * turn a DataSource into a memory store.
     */
    @Bean
    @ConditionalOnMissingBean(HeartbeatStore.class)
    HeartbeatStore heartbeatStore(HeartbeatProperties properties, ObjectProvider<DataSource> dataSource,
            ObjectProvider<HeartbeatSchemaInitializer> schema) {
        HeartbeatStoreProperties p = properties.getStore();
        if (p.getType() == HeartbeatProperties.StoreType.MEMORY) {
            LOG.warn("HeartbeatRM runs on the in-memory store (heartbeat.store.type=memory): nothing survives a restart and nodes"
                    + " share nothing.");
            return new InMemoryHeartbeatStore();
        }
        DataSource ds = dataSource.getIfUnique();
        if (ds == null) {
            throw new IllegalStateException("HeartbeatRM keeps its data in the application's DataSource, and there is "
                    + (dataSource.stream().findAny().isPresent() ? "more than one without a @Primary" : "none")
                    + ": add spring-boot-starter-jdbc, the database's driver and spring.datasource.*, or define a HeartbeatStore bean,"
                    + " or set heartbeat.store.type=memory for a store that forgets everything at each restart");
        }
        if (!isPresent(JdbcStores.CLASS_NAME)) {
            throw new IllegalStateException("HeartbeatRM keeps its data in the application's DataSource, and the JDBC store is not on"
                    + " the class path: add com.heartbeatrm:heartbeat-store-jdbc (heartbeat-spring-boot-starter brings it)");
        }
        schema.ifAvailable(initializer -> LOG.debug("HeartbeatRM's schema is applied by {}", initializer));
        return JdbcStores.create(ds, p);
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
            ObjectProvider<EnrollmentObserver> observer, ObjectProvider<Clock> clock, ObjectProvider<HeartbeatServerCustomizer> customizers,
            Environment environment, ResourceLoader resources, ObjectProvider<SslBundles> sslBundles) {
        HeartbeatServer.Builder b = HeartbeatServer.builder(store, kek, properties.getIssuer()).retention(properties.getRetention().policy());
        if (!properties.getEndpoints().isEmpty()) {
            b.endpoints(properties.getEndpoints());
        }
        if (!properties.getTlsPins().isEmpty()) {
            b.tlsPins(properties.getTlsPins());
        } else {
            Supplier<List<String>> own = serversOwnPins(properties, environment, resources, sslBundles);
            if (own != null) {
                b.tlsPins(own);
            }
        }
        observer.ifAvailable(b::observer);
        clock.ifAvailable(b::clock);
        customizers.orderedStream().forEach(c -> c.customize(b));
        HeartbeatServer server = b.build();
        server.signingKeys().ensureActiveKey();
        return server;
    }

    /**
     * Without {@code heartbeat.tls-pins}, installers pin the key this application serves TLS with: the SSL bundle
     * {@code heartbeat.tls-bundle}, else {@code server.ssl.bundle}, else the certificate {@code server.ssl.certificate}.
     */
    private static @Nullable Supplier<List<String>> serversOwnPins(HeartbeatProperties properties, Environment environment,
            ResourceLoader resources, ObjectProvider<SslBundles> sslBundles) {
        String bundle = properties.getTlsBundle() != null && !properties.getTlsBundle().isBlank() ? properties.getTlsBundle()
                : environment.getProperty("server.ssl.bundle");
        boolean sslOn = environment.getProperty("server.ssl.enabled", Boolean.class, true);
        if (bundle != null && !bundle.isBlank() && (sslOn || properties.getTlsBundle() != null)) {
            SslBundles bundles = sslBundles.getIfAvailable();
            if (bundles == null) {
                throw new IllegalStateException("the SSL bundle " + bundle + " for HeartbeatRM's TLS pins needs Spring Boot's SSL bundles");
            }
            return SslBundlePins.ofBundle(bundles, bundle);
        }
        String certificate = environment.getProperty("server.ssl.certificate");
        if (sslOn && certificate != null && !certificate.isBlank()) {
            List<String> pins = SslBundlePins.ofCertificate(resources, certificate);
            return () -> pins;
        }
        return null;
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
                ObjectProvider<AdminAuthenticator> authenticator, ObjectProvider<AdminAuthorizer> authorizer) {
            AdminAuthenticator auth = authenticator.getIfAvailable(() -> defaultAuthenticator(properties));
            AdminAuthorizer authz = authorizer.getIfAvailable(() -> defaultAuthorizer(properties));
            ServletRegistrationBean<AdminServlet> r = new ServletRegistrationBean<>(
                    new AdminServlet(AdminEndpoint.builder(server, auth).authorizer(authz).build()), mapping(properties.getAdminApi().getPath()));
            r.setName("heartbeatAdminServlet");
            return r;
        }

        @Bean
        @ConditionalOnProperty(prefix = "heartbeat.issuer-keys", name = "enabled", havingValue = "true")
        @ConditionalOnMissingBean(name = "heartbeatIssuerKeysServlet")
        ServletRegistrationBean<IssuerKeysServlet> heartbeatIssuerKeysServlet(HeartbeatServer server, HeartbeatProperties properties) {
            ServletRegistrationBean<IssuerKeysServlet> r = new ServletRegistrationBean<>(new IssuerKeysServlet(server),
                    HeartbeatProperties.normalized(properties.getIssuerKeys().getPath()));
            r.setName("heartbeatIssuerKeysServlet");
            return r;
        }

        private static AdminAuthorizer defaultAuthorizer(HeartbeatProperties properties) {
            if (properties.getAdminApi().getAuthorization() == HeartbeatProperties.Authorization.ALLOW_ALL) {
                return AdminAuthorizer.allowAll();
            }
            if (!SECURITY_PRESENT) {
                throw new IllegalStateException("heartbeat.admin-api.authorization=authorities needs Spring Security (spring-boot-starter-security)");
            }
            return new SpringSecurityAdminAuthorizer();
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
                throw new IllegalStateException("heartbeat.admin-api.token " + String.valueOf(e.getMessage()).replaceFirst("^adminToken: ", ""));
            }
        }

        private static String mapping(String path) {
            return HeartbeatProperties.normalized(path) + "/*";
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

    /** The request matchers for the application's SecurityFilterChain, when Spring Security's web support is there. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher")
    static class Security {
        @Bean
        @ConditionalOnMissingBean
        HeartbeatRequestMatchers heartbeatRequestMatchers(HeartbeatProperties properties) {
            return new HeartbeatRequestMatchers(properties);
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
