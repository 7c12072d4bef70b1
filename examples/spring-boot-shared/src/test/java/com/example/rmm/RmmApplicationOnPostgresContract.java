package com.example.rmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.EnrollmentClient;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The sample application as it runs, on a fresh PostgreSQL database: the application's own Flyway migrates its table in
 * the same schema with Spring's default settings, HeartbeatRM keeps its data in the DataSource (and so across a
 * restart), joins the application's transactions, meters, reports health, and an agent enrolls over the port.
 *
 * <p>One body for both samples (Spring Boot 4 and 3.5), whose poms add this directory as a test source: each sample's
 * {@code RmmApplicationOnPostgresTest} names itself and the prefix of its fresh databases, and adds what is its own.
 */
abstract class RmmApplicationOnPostgresContract {
    private static final String KEK = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ConfigurableApplicationContext start(Postgres db, int port, String... more) {
        List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--spring.datasource.url=" + db.url(), "--spring.datasource.username=postgres",
                "--heartbeat.key-encryption-key=" + KEK));
        args.addAll(List.of(more));
        return SpringApplication.run(RmmApplication.class, args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext ctx) {
        return Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));
    }

    /** What the names of this sample's fresh databases start with, so that the two samples never share one. */
    abstract String databasePrefix();

    private static HttpResponse<String> get(ConfigurableApplicationContext ctx, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(ctx) + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("fresh database: the host's Flyway and ours; data in the DataSource, host transactions, metrics, health, kept across a restart")
    void runsAndRestarts() throws Exception {
        try (Postgres db = Postgres.freshDatabase(databasePrefix() + "sample_")) {
            PinnedKeySet keys;
            EnrollmentClient.Outcome enrolled;
            int port = freePort(); // the same port after the restart: the agent renews at the address it enrolled at
            try (ConfigurableApplicationContext ctx = start(db, port)) {
                HeartbeatServer server = ctx.getBean(HeartbeatServer.class);
                assertThat(ctx.getBean(com.heartbeatrm.core.spi.HeartbeatStore.class)).as("the JDBC store on the application's DataSource")
                        .isInstanceOf(com.heartbeatrm.store.jdbc.JdbcHeartbeatStore.class);
                assertThat(server.describeStore()).isEqualTo(ctx.getBean(com.heartbeatrm.core.spi.HeartbeatStore.class).toString());
                assertThat(db.count("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1' AND success"))
                        .as("the host's own V1, by the host's Flyway with default settings").isEqualTo(1);
                assertThat(db.count("SELECT COUNT(*) FROM hb_schema_history WHERE version = '1' AND success")).isEqualTo(1);

                CustomerOnboarding onboarding = ctx.getBean(CustomerOnboarding.class);
                assertThatThrownBy(() -> onboarding.onboard("Rolled Back MSP", true)).hasMessageContaining("billing refused");
                HeartbeatAdmin admin = ctx.getBean(HeartbeatAdmin.class);
                assertThat(admin.organizations().findByName("Rolled Back MSP")).as("rolled back with the host's transaction").isEmpty();
                assertThat(db.count("SELECT COUNT(*) FROM customers")).isZero();
                NewOrganization org = onboarding.onboard("Acme MSP", false);
                assertThat(db.count("SELECT COUNT(*) FROM customers WHERE heartbeat_org = '" + org.id().value() + "'")).isEqualTo(1);

                URI base = URI.create("http://127.0.0.1:" + port(ctx) + "/v1/");
                var token = server.installers().issueToken(Actor.of("alice"), org.id(), org.defaultKey().id(),
                        InstallerRequest.builder().endpoints(List.of(base)).build()).token();
                keys = server.signingKeys().publicKeySet();
                enrolled = EnrollmentClient.builder(keys).build().enroll(EnrollmentTokenVerifier.builder(keys).build().verify(token),
                        new AgentFacts("pc-1", "linux", "6.1", "1.0", Optional.empty()));
                assertThat(enrolled.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);

                assertThat(get(ctx, "/actuator/metrics/heartbeat.enrollments").body()).contains("\"value\":1.0");
                HttpResponse<String> health = get(ctx, "/actuator/health");
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).contains("\"heartbeat\":{\"status\":\"UP\"");
            }
            try (ConfigurableApplicationContext ctx = start(db, port)) {
                HeartbeatAdmin admin = ctx.getBean(HeartbeatAdmin.class);
                assertThat(admin.organizations().findByName("Acme MSP")).as("the organization survived the restart").isPresent();
                assertThat(ctx.getBean(HeartbeatServer.class).signingKeys().publicKeySet().toJson()).isEqualTo(keys.toJson());
                EnrollmentClient.Outcome renewed = EnrollmentClient.builder(keys).build().renew(enrolled.identity());
                assertThat(renewed.status()).as("the agent enrolled before the restart renews").isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
            }
        }
    }

    @Test
    @DisplayName("the host runs our migrations: heartbeat.store.migrate=false, our script copied into the host's Flyway")
    void hostRunsOurMigrations(@TempDir Path migrations) throws Exception {
        copy("db/migration/V1__customers.sql", migrations.resolve("V1__customers.sql"));
        copy("com/heartbeatrm/store/jdbc/migration/postgresql/V1__heartbeat_schema.sql", migrations.resolve("V2__heartbeat_schema.sql"));
        try (Postgres db = Postgres.freshDatabase(databasePrefix() + "recipe_");
                ConfigurableApplicationContext ctx = start(db, 0, "--heartbeat.store.migrate=false", "--spring.flyway.locations=filesystem:" + migrations,
                        "--spring.flyway.placeholders.heartbeat_prefix=hb_")) {
            assertThat(db.count("SELECT COUNT(*) FROM flyway_schema_history WHERE success")).isEqualTo(2);
            assertThat(db.count("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'hb_schema_history'"))
                    .as("no history of ours: the host's Flyway owns the schema").isZero();
            NewOrganization org = ctx.getBean(CustomerOnboarding.class).onboard("Acme MSP", false);
            assertThat(ctx.getBean(HeartbeatServer.class).signingKeys().list()).isNotEmpty();
            assertThat(db.count("SELECT COUNT(*) FROM hb_organization")).isEqualTo(1);
            assertThat(org.organization().name()).isEqualTo("Acme MSP");
        }
    }

    private static HttpResponse<String> send(ConfigurableApplicationContext ctx, String method, String path, String user, String body)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(ctx) + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        if (user != null) {
            r.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":pw-" + user).getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @DisplayName("security: agents and the issuer key set without login or CSRF; the admin API per organization by authorities")
    void securityRulesAndPerOrganizationAuthorization() throws Exception {
        try (Postgres db = Postgres.freshDatabase(databasePrefix() + "security_");
                ConfigurableApplicationContext ctx = start(db, 0, "--heartbeat.admin-api.enabled=true", "--heartbeat.admin-api.authorization=authorities",
                        "--heartbeat.issuer-keys.enabled=true")) {
            CustomerOnboarding onboarding = ctx.getBean(CustomerOnboarding.class);
            NewOrganization a = onboarding.onboard("Tenant A", false);
            NewOrganization b = onboarding.onboard("Tenant B", false);
            InMemoryUserDetailsManager users = ctx.getBean(InMemoryUserDetailsManager.class);
            users.createUser(User.withUsername("tech-a").password("{noop}pw-tech-a").authorities("HEARTBEAT_ORG_" + a.id().value()).build());
            users.createUser(User.withUsername("viewer-a").password("{noop}pw-viewer-a").authorities("HEARTBEAT_ORG_" + a.id().value() + "_READ").build());
            users.createUser(User.withUsername("boss").password("{noop}pw-boss").authorities("HEARTBEAT_ADMIN").build());
            HeartbeatAdmin owner = ctx.getBean(HeartbeatAdmin.class);
            var customerA = owner.groups().create(Actor.of("owner"), a.id(), a.rootGroup().id(), "Customer A");
            owner.groups().create(Actor.of("owner"), a.id(), a.rootGroup().id(), "Customer B");
            String subtree = "HEARTBEAT_ORG_" + a.id().value() + "_GROUP_" + customerA.id().value();
            users.createUser(User.withUsername("site-tech").password("{noop}pw-site-tech").authorities(subtree).build());
            users.createUser(User.withUsername("site-viewer").password("{noop}pw-site-viewer").authorities(subtree + "_READ").build());

            HttpResponse<String> enroll = send(ctx, "POST", "/v1/enroll", null, "{");
            assertThat(enroll.statusCode()).as("no login, no CSRF token: our own answer").isEqualTo(400);
            assertThat(enroll.body()).contains("invalid_request");
            HttpResponse<String> keys = send(ctx, "GET", "/.well-known/heartbeat-issuer-keys.json", null, null);
            assertThat(keys.statusCode()).isEqualTo(200);
            assertThat(keys.body()).isEqualTo(ctx.getBean(HeartbeatServer.class).signingKeys().publicKeySet().toJson());
            assertThat(send(ctx, "GET", "/api/organizations", null, null).statusCode()).as("the admin API needs a login").isEqualTo(401);

            String orgs = send(ctx, "GET", "/api/organizations", "tech-a", null).body();
            assertThat(orgs).contains("Tenant A").doesNotContain("Tenant B");
            assertThat(send(ctx, "GET", "/api/agents?org=" + b.id().value(), "tech-a", null).statusCode()).isEqualTo(404);
            assertThat(send(ctx, "GET", "/api/keys/" + b.defaultKey().id().value() + "?org=Tenant%20B", "tech-a", null).statusCode()).isEqualTo(404);
            assertThat(send(ctx, "POST", "/api/groups?org=" + b.id().value(), "tech-a", "{\"name\":\"Mine now\"}").statusCode()).isEqualTo(404);
            assertThat(send(ctx, "POST", "/api/groups?org=" + a.id().value(), "tech-a", "{\"name\":\"Site A\"}").statusCode()).isEqualTo(201);
            assertThat(send(ctx, "GET", "/api/groups?org=" + a.id().value(), "viewer-a", null).statusCode()).isEqualTo(200);
            assertThat(send(ctx, "POST", "/api/groups?org=" + a.id().value(), "viewer-a", "{\"name\":\"Site B\"}").statusCode())
                    .as("read-only in A").isEqualTo(404);
            assertThat(send(ctx, "GET", "/api/signing-keys", "tech-a", null).statusCode()).isEqualTo(403);
            // A group subtree within Tenant A: Customer A only, never its sibling, the root, or Tenant B.
            String ownGroups = send(ctx, "GET", "/api/groups?org=" + a.id().value(), "site-tech", null).body();
            assertThat(ownGroups).contains("Customer A").doesNotContain("Customer B", a.rootGroup().id().value());
            assertThat(send(ctx, "GET", "/api/organizations", "site-tech", null).body()).contains("Tenant A").doesNotContain("Tenant B");
            assertThat(send(ctx, "POST", "/api/groups?org=" + a.id().value(), "site-tech", "{\"name\":\"S\",\"parent\":\"Customer B\"}")
                    .statusCode()).as("into the sibling subtree").isEqualTo(404);
            assertThat(send(ctx, "POST", "/api/groups?org=" + a.id().value(), "site-tech", "{\"name\":\"S\",\"parent\":\"Customer A\"}")
                    .statusCode()).isEqualTo(201);
            assertThat(send(ctx, "GET", "/api/groups/" + customerA.id().value() + "?org=" + a.id().value(), "site-viewer", null).statusCode())
                    .isEqualTo(200);
            assertThat(send(ctx, "POST", "/api/groups?org=" + a.id().value(), "site-viewer", "{\"name\":\"T\",\"parent\":\"Customer A\"}")
                    .statusCode()).as("read-only in the subtree").isEqualTo(404);
            assertThat(send(ctx, "GET", "/api/agents?org=" + b.id().value(), "site-tech", null).statusCode()).isEqualTo(404);
            assertThat(send(ctx, "GET", "/api/signing-keys", "boss", null).statusCode()).isEqualTo(200);
            assertThat(send(ctx, "GET", "/api/organizations", "boss", null).body()).contains("Tenant A", "Tenant B");
            assertThat(ctx.getBean(HeartbeatAdmin.class).groups().subtree(b.id(), b.rootGroup().id())).as("nothing of B changed").hasSize(1);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void copy(String resource, Path to) throws Exception {
        try (InputStream in = RmmApplicationOnPostgresContract.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, to);
        }
    }
}
