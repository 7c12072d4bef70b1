package com.heartbeatrm.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.agent.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.agent.EnrollmentRequest;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.KeyEncryptionKey;
import com.heartbeatrm.servlet.AdminServlet;
import com.heartbeatrm.servlet.EnrollmentServlet;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@ExtendWith(OutputCaptureExtension.class)
@DisplayName("the Spring Boot auto-configuration")
class HeartbeatAutoConfigurationTest {
    static final String KEK = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HeartbeatAutoConfiguration.class))
            .withPropertyValues("heartbeat.key-encryption-key=" + KEK);

    @TempDir
    Path dir;

    @Test
    @DisplayName("without a DataSource: the in-memory store, with a warning; HeartbeatServer and HeartbeatAdmin beans")
    void inMemoryFallback(CapturedOutput output) {
        runner.run(ctx -> {
            assertThat(ctx).hasSingleBean(HeartbeatServer.class).hasSingleBean(HeartbeatAdmin.class);
            assertThat(ctx.getBean(HeartbeatStore.class)).isInstanceOf(InMemoryHeartbeatStore.class);
            assertThat(output).contains("in-memory store");
            assertThat(ctx.getBean(HeartbeatServer.class).signingKeys().list()).hasSize(1);
        });
    }

    @Test
    @DisplayName("without any key-encryption key, startup fails and says what to set")
    void noKek() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HeartbeatAutoConfiguration.class)).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("heartbeat.key-encryption-key");
        });
    }

    @Test
    @DisplayName("the key-encryption key from a file, as the reference CLI writes it")
    void kekFile() throws Exception {
        Path kek = dir.resolve("kek.bin");
        Files.write(kek, new SecureRandom().generateSeed(32));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HeartbeatAutoConfiguration.class))
                .withPropertyValues("heartbeat.key-encryption-key-file=" + kek).run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(KeyEncryptionKey.class).id()).isEqualTo("reference-kek");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        static final InMemoryHeartbeatStore STORE = new InMemoryHeartbeatStore();

        @Bean
        HeartbeatStore myStore() {
            return STORE;
        }

        @Bean
        KeyEncryptionKey myKek() {
            return AesGcmKeyEncryptionKey.generate("mine");
        }
    }

    @Test
    @DisplayName("backs off: the application's own store and key-encryption key are used")
    void backsOff() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HeartbeatAutoConfiguration.class)).withUserConfiguration(OwnBeans.class)
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(HeartbeatStore.class).hasSingleBean(KeyEncryptionKey.class);
                    assertThat(ctx.getBean(HeartbeatStore.class)).isSameAs(OwnBeans.STORE);
                    assertThat(ctx.getBean(KeyEncryptionKey.class).id()).isEqualTo("mine");
                    assertThat(ctx.getBean(HeartbeatServer.class).admin().store()).isSameAs(OwnBeans.STORE);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class H2 {
        @Bean
        DataSource dataSource() {
            return DataSourceBuilder.create().url("jdbc:h2:mem:auto" + System.nanoTime() + ";DB_CLOSE_DELAY=-1").username("sa").build();
        }
    }

    @Test
    @DisplayName("with a DataSource: the JDBC store, migrated, joining Spring's transactions")
    void jdbcStore() {
        runner.withUserConfiguration(H2.class).run(ctx -> {
            assertThat(ctx.getBean(HeartbeatStore.class)).isInstanceOf(JdbcHeartbeatStore.class);
            assertThat(ctx.getBean(HeartbeatStore.class).toString()).contains("hb_");
            HeartbeatAdmin admin = ctx.getBean(HeartbeatAdmin.class);
            assertThat(admin.organizations().setUp(Actor.of("alice"), "Acme").organization().name()).isEqualTo("Acme");
        });
    }

    @Test
    @DisplayName("the enrollment servlet at /v1/*; the admin API only when enabled, and then only with a token or Spring Security")
    void servlets() {
        WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(HeartbeatAutoConfiguration.class))
                .withPropertyValues("heartbeat.key-encryption-key=" + KEK);
        web.run(ctx -> {
            ServletRegistrationBean<?> r = ctx.getBean("heartbeatEnrollmentServlet", ServletRegistrationBean.class);
            assertThat(r.getServlet()).isInstanceOf(EnrollmentServlet.class);
            assertThat(r.getUrlMappings()).containsExactly("/v1/*");
            assertThat(ctx).doesNotHaveBean("heartbeatAdminServlet");
        });
        web.withPropertyValues("heartbeat.enrollment.path=/agents", "heartbeat.admin-api.enabled=true").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("heartbeat.admin-api.token");
        });
        web.withPropertyValues("heartbeat.enrollment.path=/agents", "heartbeat.admin-api.enabled=true", "heartbeat.admin-api.token=weak").run(ctx ->
                assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("bits"));
        web.withPropertyValues("heartbeat.enrollment.path=/agents/", "heartbeat.admin-api.enabled=true",
                "heartbeat.admin-api.token=0123456789abcdef0123456789abcdef").run(ctx -> {
                    assertThat(ctx.getBean("heartbeatEnrollmentServlet", ServletRegistrationBean.class).getUrlMappings()).containsExactly("/agents/*");
                    ServletRegistrationBean<?> admin = ctx.getBean("heartbeatAdminServlet", ServletRegistrationBean.class);
                    assertThat(admin.getServlet()).isInstanceOf(AdminServlet.class);
                    assertThat(admin.getUrlMappings()).containsExactly("/api/*");
                });
        web.withPropertyValues("heartbeat.enrollment.enabled=false").run(ctx -> assertThat(ctx).doesNotHaveBean("heartbeatEnrollmentServlet"));
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Test
    @DisplayName("Micrometer: heartbeat.enrollments timed and tagged with outcome and reason; a heartbeat health indicator, UP")
    void metricsAndHealth() {
        runner.withUserConfiguration(Registry.class).run(ctx -> {
            HeartbeatServer server = ctx.getBean(HeartbeatServer.class);
            NewOrganization org = server.admin().organizations().setUp(Actor.of("alice"), "Acme");
            var token = server.installers().issueToken(Actor.of("alice"), org.id(), org.defaultKey().id(),
                    InstallerRequest.builder().endpoints(List.of(URI.create("https://hb.example/v1/"))).build()).token();
            byte[] body = EnrollmentRequest.create(token, AgentKeyPair.generate(), new AgentFacts("pc", "linux", "6", "1", Optional.empty()),
                    Clock.systemUTC()).toJson();
            server.enroll(body, server.contextFor(InetAddress.getLoopbackAddress()));
            server.enroll("{".getBytes(StandardCharsets.UTF_8), server.contextFor(InetAddress.getLoopbackAddress()));
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            Timer ok = registry.find("heartbeat.enrollments").tag("outcome", "enrolled").tag("reason", "none").timer();
            assertThat(ok).isNotNull();
            assertThat(ok.count()).isEqualTo(1);
            Timer bad = registry.find("heartbeat.enrollments").tag("outcome", "denied").tag("reason", "request_not_json").timer();
            assertThat(bad).isNotNull();
            assertThat(bad.count()).isEqualTo(1);
            HeartbeatHealthIndicator health = ctx.getBean(HeartbeatHealthIndicator.class);
            assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    @DisplayName("configuration metadata describes every property")
    void metadata() throws Exception {
        String json;
        try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int properties = json.split("\"sourceType\"", -1).length;
        assertThat(json).contains("\"heartbeat.key-encryption-key\"", "\"heartbeat.admin-api.enabled\"", "\"heartbeat.enrollment.path\"",
                "\"heartbeat.store.table-prefix\"");
        String propertiesSection = json.substring(json.indexOf("\"properties\""));
        int named = propertiesSection.split("\"name\"", -1).length - 1;
        int described = propertiesSection.split("\"description\"", -1).length - 1;
        assertThat(described).as("each of %d properties has a description", named).isEqualTo(named);
        assertThat(properties).isPositive();
    }
}
