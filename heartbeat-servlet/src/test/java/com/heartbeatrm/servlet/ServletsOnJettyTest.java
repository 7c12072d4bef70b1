package com.heartbeatrm.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.agent.AgentFacts;
import com.heartbeatrm.agent.EnrollmentClient;
import com.heartbeatrm.agent.EnrollmentProtocol;
import com.heartbeatrm.agent.EnrollmentTokenVerifier;
import com.heartbeatrm.agent.VerifiedEnrollmentToken;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.admin.AdminAuthenticator;
import com.heartbeatrm.enrollment.admin.AdminEndpoint;
import com.heartbeatrm.enrollment.admin.AdminToken;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Both servlets in an embedded Jetty 12 on a real loopback port, driven by the SDK's own client and plain HTTP. */
@DisplayName("the servlets on Jetty 12")
class ServletsOnJettyTest {
    private static final String ADMIN_TOKEN = "servlet-test-admin-token-0123456789ABCDEF";
    private final HeartbeatServer server = HeartbeatServer.builder(new InMemoryHeartbeatStore(), AesGcmKeyEncryptionKey.generate("t"),
            "https://hb.example").build();
    private Server jetty;
    private URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        server.signingKeys().ensureActiveKey();
        jetty = new Server(new InetSocketAddressHolder().loopback());
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new EnrollmentServlet(server.endpoint())), "/v1/*");
        AdminEndpoint admin = AdminEndpoint.builder(server, AdminAuthenticator.bearer(AdminToken.of(ADMIN_TOKEN), Actor.of("admin-api"),
                Clock.systemUTC())).build();
        context.addServlet(new ServletHolder(new AdminServlet(admin)), "/api/*");
        jetty.setHandler(context);
        jetty.start();
        int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
        base = URI.create("http://127.0.0.1:" + port + "/");
    }

    /** Binds the connector to 127.0.0.1 on an ephemeral port. */
    static final class InetSocketAddressHolder {
        java.net.InetSocketAddress loopback() {
            return new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        }
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
    }

    @Test
    @DisplayName("an agent enrolls and renews through EnrollmentServlet with the SDK's client")
    void enrollAndRenew() throws Exception {
        NewOrganization org = server.admin().organizations().setUp(Actor.of("alice"), "Acme");
        var issued = server.installers().issueToken(Actor.of("alice"), org.id(), org.defaultKey().id(),
                InstallerRequest.builder().endpoints(List.of(base.resolve("v1/"))).build());
        VerifiedEnrollmentToken token = EnrollmentTokenVerifier.builder(server.signingKeys().publicKeySet()).build().verify(issued.token());
        EnrollmentClient client = EnrollmentClient.builder(server.signingKeys().publicKeySet()).build();
        EnrollmentClient.Outcome enrolled = client.enroll(token, new AgentFacts("pc-1", "linux", "6.1", "1.0", Optional.empty()));
        assertThat(enrolled.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
        assertThat(enrolled.identity().groupPath()).isEqualTo("/");
        EnrollmentClient.Outcome renewed = client.renew(enrolled.identity());
        assertThat(renewed.status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
        assertThat(renewed.identity().generation()).isEqualTo(enrolled.identity().generation() + 1);
    }

    @Test
    @DisplayName("protocol answers: 404 for another path, 405 for GET, 413 for a declared oversized body, 400 for garbage")
    void protocolAnswers() throws Exception {
        HttpResponse<String> notFound = http.send(HttpRequest.newBuilder(base.resolve("v1/nothing")).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(EnrollmentProtocol.CONTENT_TYPE));
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(base.resolve("v1/enroll")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        HttpResponse<String> big = http.send(HttpRequest.newBuilder(base.resolve("v1/enroll"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[EnrollmentProtocol.MAX_BODY_BYTES + 10])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(413);
        HttpResponse<String> garbage = http.send(HttpRequest.newBuilder(base.resolve("v1/enroll")).POST(HttpRequest.BodyPublishers.ofString("{{"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("\"status\"");
    }

    @Test
    @DisplayName("the admin API through AdminServlet: bearer in any case, JSON errors, raw segments routed as sent")
    void adminApi() throws Exception {
        NewOrganization org = server.admin().organizations().setUp(Actor.of("alice"), "Acme");
        HttpResponse<String> no = http.send(HttpRequest.newBuilder(base.resolve("api/keys")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(no.statusCode()).isEqualTo(401);
        assertThat(no.body()).contains("\"field\":\"Authorization\"");
        HttpResponse<String> keys = http.send(HttpRequest.newBuilder(base.resolve("api/keys")).header("Authorization", "bEaReR " + ADMIN_TOKEN)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(keys.statusCode()).isEqualTo(200);
        assertThat(keys.body()).contains(org.defaultKey().id().value());
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("api/groups")).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Customer A\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> byName = http.send(HttpRequest.newBuilder(URI.create(base + "api/groups/Customer%20A"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(byName.statusCode()).as(byName.body()).isEqualTo(200);
        assertThat(byName.body()).contains("\"path\":\"Customer A\"");
    }
}
