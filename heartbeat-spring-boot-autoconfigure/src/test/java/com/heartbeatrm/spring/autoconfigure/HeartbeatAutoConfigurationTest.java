package com.heartbeatrm.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
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
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
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
    private final ApplicationContextRunner memory = runner.withPropertyValues("heartbeat.store.type=memory");

    @TempDir
    Path dir;

    @Test
    @DisplayName("without a DataSource, startup fails and says why; never the in-memory store unless asked for")
    void noDataSource() {
        runner.run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("DataSource, and there is none")
                    .hasMessageContaining("heartbeat.store.type=memory");
        });
    }

    @Test
    @DisplayName("heartbeat.store.type=memory: the in-memory store, with a warning, even beside a DataSource")
    void inMemoryWhenAsked(CapturedOutput output) {
        memory.withUserConfiguration(H2.class).run(ctx -> {
            assertThat(ctx).hasSingleBean(HeartbeatServer.class).hasSingleBean(HeartbeatAdmin.class).doesNotHaveBean(HeartbeatSchemaInitializer.class);
            assertThat(ctx.getBean(HeartbeatStore.class)).isInstanceOf(InMemoryHeartbeatStore.class);
            assertThat(output).contains("in-memory store");
            assertThat(ctx.getBean(HeartbeatServer.class).signingKeys().list()).hasSize(1);
        });
    }

    @Test
    @DisplayName("ordered after the DataSource auto-configuration by the class names of Spring Boot 4 (and of 3, checked by the Boot 3 sample)")
    void orderedAfterDataSourceOfThisGeneration() {
        List<String> after = List.of(HeartbeatAutoConfiguration.class.getAnnotation(AutoConfiguration.class).afterName());
        assertThat(after).contains("org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration");
        assertThat(after.stream().filter(n -> !n.startsWith("org.springframework.boot.autoconfigure.")
                && !n.startsWith("org.springframework.boot.actuate.autoconfigure.")))
                .as("every Boot 4 name is a class of Boot 4").hasSize(4).allSatisfy(n -> assertThat(Class.forName(n)).isNotNull());
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HeartbeatAutoConfiguration.class, DataSourceAutoConfiguration.class))
                .withPropertyValues("heartbeat.key-encryption-key=" + KEK, "spring.datasource.url=jdbc:h2:mem:order" + System.nanoTime())
                .run(ctx -> assertThat(ctx.getBean(HeartbeatStore.class)).isInstanceOf(JdbcHeartbeatStore.class));
    }

    @Test
    @DisplayName("without any key-encryption key, startup fails and says what to set")
    void noKek() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HeartbeatAutoConfiguration.class))
                .withPropertyValues("heartbeat.store.type=memory").run(ctx -> {
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
                .withPropertyValues("heartbeat.key-encryption-key-file=" + kek, "heartbeat.store.type=memory").run(ctx -> {
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
                    // The server works on the application's store: what its admin writes, that store holds.
                    com.heartbeatrm.core.NewOrganization made = ctx.getBean(HeartbeatServer.class).admin().organizations()
                            .setUp(com.heartbeatrm.core.Actor.of("test"), "Own Store MSP");
                    assertThat(OwnBeans.STORE.organizations().find(made.id())).isPresent();
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
                .withPropertyValues("heartbeat.key-encryption-key=" + KEK, "heartbeat.store.type=memory");
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
                    assertThat(((ServletRegistrationBean<?>) ctx.getBean("heartbeatEnrollmentServlet", ServletRegistrationBean.class)).getUrlMappings()).containsExactly("/agents/*");
                    ServletRegistrationBean<?> admin = ctx.getBean("heartbeatAdminServlet", ServletRegistrationBean.class);
                    assertThat(admin.getServlet()).isInstanceOf(AdminServlet.class);
                    assertThat(admin.getUrlMappings()).containsExactly("/api/*");
                });
        web.withPropertyValues("heartbeat.enrollment.enabled=false").run(ctx -> assertThat(ctx).doesNotHaveBean("heartbeatEnrollmentServlet"));
    }

    @Test
    @DisplayName("the issuer key set is served only when enabled, at its path; authorities-based authorization needs Spring Security")
    void issuerKeysAndAuthorization() {
        WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(HeartbeatAutoConfiguration.class))
                .withPropertyValues("heartbeat.key-encryption-key=" + KEK, "heartbeat.store.type=memory");
        web.run(ctx -> assertThat(ctx).doesNotHaveBean("heartbeatIssuerKeysServlet").doesNotHaveBean(HeartbeatRequestMatchers.class));
        web.withPropertyValues("heartbeat.issuer-keys.enabled=true").run(ctx ->
                assertThat(((ServletRegistrationBean<?>) ctx.getBean("heartbeatIssuerKeysServlet", ServletRegistrationBean.class)).getUrlMappings())
                        .containsExactly("/.well-known/heartbeat-issuer-keys.json"));
        web.withPropertyValues("heartbeat.admin-api.enabled=true", "heartbeat.admin-api.token=0123456789abcdef0123456789abcdef",
                "heartbeat.admin-api.authorization=authorities").run(ctx -> {
                    assertThat(ctx).hasFailed();
                    assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("needs Spring Security");
                });
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
        memory.withUserConfiguration(Registry.class).run(ctx -> {
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

    @Configuration(proxyBeanMethods = false)
    static class Customizers {
        static final Clock FIXED = Clock.fixed(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(5),
                java.time.ZoneOffset.UTC);

        @Bean
        @org.springframework.core.annotation.Order(2)
        HeartbeatServerCustomizer pinsLast() {
            return b -> b.tlsPins(List.of(PIN_B));
        }

        @Bean
        @org.springframework.core.annotation.Order(1)
        HeartbeatServerCustomizer clockAndPins() {
            return b -> b.clock(FIXED).tlsPins(List.of(PIN_A));
        }
    }

    static final String PIN_A = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
    static final String PIN_B = Base64.getUrlEncoder().withoutPadding().encodeToString(new SecureRandom().generateSeed(32));

    private static List<String> pinsOfANewInstaller(HeartbeatServer server) throws Exception {
        NewOrganization org = server.admin().organizations().setUp(Actor.of("alice"), "Pins " + System.nanoTime());
        var token = server.installers().issueToken(Actor.of("alice"), org.id(), org.defaultKey().id(),
                InstallerRequest.builder().endpoints(List.of(URI.create("https://hb.example/v1/"))).build()).token();
        var keys = server.signingKeys().publicKeySet();
        return EnrollmentTokenVerifier.builder(keys).build().verify(token).claims().tlsPins();
    }

    @Test
    @DisplayName("HeartbeatServerCustomizer beans change the server after the properties, in @Order")
    void customizers() {
        memory.withUserConfiguration(Customizers.class).withPropertyValues("heartbeat.tls-pins=" + PIN_A).run(ctx -> {
            HeartbeatServer server = ctx.getBean(HeartbeatServer.class);
            assertThat(pinsOfANewInstaller(server)).containsExactly(PIN_B);
            assertThat(server.signingKeys().list().get(0).createdAt()).isEqualTo(Customizers.FIXED.instant());
        });
    }

    @Test
    @DisplayName("without heartbeat.tls-pins, installers pin the key the server serves TLS with: its SSL bundle, or server.ssl.certificate")
    void pinFromSslBundle() throws Exception {
        Path p12 = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "web",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=hb.example", "-validity", "30", "-storetype", "PKCS12",
                "-keystore", p12.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        String expected = com.heartbeatrm.protocol.TlsPin.of((java.security.cert.X509Certificate) ks.getCertificate("web"));
        ApplicationContextRunner ssl = memory.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
                .withPropertyValues("spring.ssl.bundle.jks.web.keystore.location=file:" + p12, "spring.ssl.bundle.jks.web.keystore.password=changeit",
                        "spring.ssl.bundle.jks.web.keystore.type=PKCS12");
        ssl.withPropertyValues("server.ssl.bundle=web").run(ctx -> assertThat(pinsOfANewInstaller(ctx.getBean(HeartbeatServer.class)))
                .containsExactly(expected));
        ssl.withPropertyValues("heartbeat.tls-bundle=web").run(ctx -> assertThat(pinsOfANewInstaller(ctx.getBean(HeartbeatServer.class)))
                .containsExactly(expected));
        ssl.withPropertyValues("server.ssl.bundle=web", "heartbeat.tls-pins=" + PIN_A)
                .run(ctx -> assertThat(pinsOfANewInstaller(ctx.getBean(HeartbeatServer.class))).as("the property wins").containsExactly(PIN_A));
        ssl.withPropertyValues("server.ssl.bundle=nope").run(ctx -> assertThat(ctx).hasFailed());
        ssl.run(ctx -> assertThat(pinsOfANewInstaller(ctx.getBean(HeartbeatServer.class))).as("no TLS settings: no pin").isEmpty());

        // server.ssl.certificate (a PEM file, as the reference CLI writes DATA/tls/server.crt), exported by keytool
        Path pem = dir.resolve("server.crt");
        Process export = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-exportcert", "-rfc",
                "-alias", "web", "-keystore", p12.toString(), "-storepass", "changeit", "-file", pem.toString()).redirectErrorStream(true).start();
        assertThat(export.waitFor()).as(new String(export.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        memory.withPropertyValues("server.ssl.certificate=file:" + pem).run(ctx ->
                assertThat(pinsOfANewInstaller(ctx.getBean(HeartbeatServer.class))).containsExactly(expected));
        memory.withPropertyValues("server.ssl.certificate=file:" + pem, "server.ssl.enabled=false").run(ctx ->
                assertThat(pinsOfANewInstaller(ctx.getBean(HeartbeatServer.class))).as("TLS off: no pin").isEmpty());
    }

    @Test
    @DisplayName("heartbeat.retention.*: the sweeper runs with conservative defaults, takes its values, stops with the context, or stays off")
    void retention() {
        memory.run(ctx -> {
            com.heartbeatrm.enrollment.RetentionPolicy p = ctx.getBean(HeartbeatProperties.class).getRetention().policy();
            assertThat(p.auditRetention()).contains(java.time.Duration.ofDays(400));
            assertThat(p.installerGrace()).contains(java.time.Duration.ofDays(90));
            assertThat(p.sweepEvery()).contains(java.time.Duration.ofMinutes(15));
            assertThat(sweeperThreads()).isEqualTo(1);
        });
        assertThat(sweeperThreads()).as("closing the context closes the server").isZero();
        memory.withPropertyValues("heartbeat.retention.audit-retention=30d", "heartbeat.retention.installer-grace=0",
                "heartbeat.retention.sweep-interval=5m").run(ctx -> {
                    com.heartbeatrm.enrollment.RetentionPolicy p = ctx.getBean(HeartbeatProperties.class).getRetention().policy();
                    assertThat(p.auditRetention()).contains(java.time.Duration.ofDays(30));
                    assertThat(p.installerGrace()).isEmpty();
                    assertThat(p.sweepEvery()).contains(java.time.Duration.ofMinutes(5));
                });
        memory.withPropertyValues("heartbeat.retention.enabled=false").run(ctx -> {
            assertThat(ctx.getBean(HeartbeatProperties.class).getRetention().policy()).isSameAs(com.heartbeatrm.enrollment.RetentionPolicy.DEFAULTS);
            assertThat(sweeperThreads()).isZero();
        });
        memory.withPropertyValues("heartbeat.retention.audit-retention=2h").run(ctx -> assertThat(ctx).hasFailed());
    }

    private static long sweeperThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().equals("heartbeat-retention-sweeper")).count();
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
        assertThat(json).as("the shared endpoint properties keep each endpoint's own description and default")
                .contains("Whether to serve the admin JSON API (off by default).", "Where the enrollment endpoints are mounted.",
                        "Whether to serve GET {path}, the issuer public key set", "\"defaultValue\": \"\\/.well-known\\/heartbeat-issuer-keys.json\"")
                .doesNotContain("Whether to serve the endpoint.");
    }
}
