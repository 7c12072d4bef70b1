package com.heartbeatrm.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.EnrollmentClient;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** One real Spring Boot application on PostgreSQL over a real port: an agent enrolls through it; metrics and health show it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = com.heartbeatrm.spring.testapp.TestApplication.class,
        properties = {"management.endpoints.web.exposure.include=health,metrics", "management.endpoint.health.show-components=always"})
@DisplayName("a Spring Boot application on PostgreSQL")
class SpringApplicationOnPostgresTest {
    private static String schema;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry r) {
        schema = Postgres.freshSchema();
        r.add("spring.datasource.url", () -> Postgres.url(schema));
        r.add("spring.datasource.username", () -> "postgres");
        r.add("heartbeat.key-encryption-key", () -> HeartbeatAutoConfigurationTest.KEK);
    }

    @AfterAll
    static void drop() {
        if (schema != null) {
            Postgres.drop(schema);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    HeartbeatServer server;

    @Autowired
    com.heartbeatrm.core.spi.HeartbeatStore store;

    @Test
    @DisplayName("an agent enrolls and renews over the app's port; /actuator/metrics/heartbeat.enrollments counts it; /actuator/health is UP")
    void enrollsThroughTheApplication() throws Exception {
        assertThat(store).as("the JDBC store on the application's DataSource").isInstanceOf(com.heartbeatrm.store.jdbc.JdbcHeartbeatStore.class);
        assertThat(server.describeStore()).isEqualTo(store.toString());
        URI base = URI.create("http://127.0.0.1:" + port + "/v1/");
        NewOrganization org = server.admin().organizations().setUp(Actor.of("alice"), "Acme MSP");
        var token = server.installers().issueToken(Actor.of("alice"), org.id(), org.defaultKey().id(),
                InstallerRequest.builder().endpoints(List.of(base)).build()).token();
        var keys = server.signingKeys().publicKeySet();
        EnrollmentClient client = EnrollmentClient.builder(keys).build();
        EnrollmentClient.Outcome o = client.enroll(EnrollmentTokenVerifier.builder(keys).build().verify(token),
                new AgentFacts("pc-1", "linux", "6.1", "1.0", Optional.empty()));
        assertThat(o.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
        assertThat(client.renew(o.identity()).status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);

        HttpClient http = HttpClient.newHttpClient();
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/metrics/heartbeat.enrollments")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("\"COUNT\"").contains("\"value\":1.0").contains("outcome").contains("reason");
        String renewals = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/metrics/heartbeat.renewals")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(renewals).contains("\"value\":1.0");
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"heartbeat\"");
    }
}
