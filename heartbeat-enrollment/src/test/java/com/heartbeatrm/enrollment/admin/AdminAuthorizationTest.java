package com.heartbeatrm.enrollment.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Per-organization authorization: a technician allowed in one organization can neither read nor change another's
 * objects through any route of the admin API, whichever ids it sends; the deployment-wide routes need their own grant.
 */
@DisplayName("the admin API's per-organization authorization")
class AdminAuthorizationTest {
    private static final Actor ALICE = Actor.of("alice");
    private final MutableClock clock = new MutableClock(Instant.now());
    private final HeartbeatServer server = HeartbeatServer.builder(new InMemoryHeartbeatStore(), AesGcmKeyEncryptionKey.generate("test"),
            "https://hb.example").clock(clock).endpoints(List.of(URI.create("https://hb.example/v1/"))).build();
    private final NewOrganization a;
    private final NewOrganization b;
    private final Map<String, String> bIds;
    private final List<AdminAction> consulted = new ArrayList<>();

    AdminAuthorizationTest() throws Exception {
        server.signingKeys().ensureActiveKey();
        a = server.admin().organizations().setUp(ALICE, "Tenant A");
        b = server.admin().organizations().setUp(ALICE, "Tenant B");
        Group site = server.admin().groups().create(ALICE, b.id(), b.rootGroup().id(), "Site");
        var issued = server.installers().issueToken(ALICE, b.id(), b.defaultKey().id(), InstallerRequest.DEFAULTS);
        byte[] body = EnrollmentRequest.create(issued.token(), AgentKeyPair.generate(), new AgentFacts("pc-b", "linux", "6", "1", Optional.empty()),
                clock).toJson();
        var agent = ((EnrollmentResult.Enrolled) server.enroll(body, server.contextFor(InetAddress.getLoopbackAddress()))).agent();
        bIds = Map.of("group", site.id().value(), "key", b.defaultKey().id().value(), "agent", agent.id().value(),
                "installer", issued.record().id().value());
    }

    /** Tech A: everything in Tenant A, nothing elsewhere; every consultation is recorded. */
    private AdminEndpoint endpoint(String actor) {
        AdminAuthorizer onlyA = (who, org, action) -> {
            consulted.add(action);
            return who.name().equals("tech-a") && org.map(o -> o.id().equals(a.id())).orElse(false);
        };
        return AdminEndpoint.builder(server, r -> new AdminAuthenticator.Authenticated(Actor.of(actor))).authorizer(onlyA).build();
    }

    private static int call(AdminEndpoint endpoint, String method, String path, String query, String body) throws Exception {
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        AdminRequest r = new AdminRequest(method, path, Optional.ofNullable(query), InetAddress.getLoopbackAddress(), Optional.empty(),
                Optional.empty(), bytes == null ? OptionalLong.empty() : OptionalLong.of(bytes.length),
                bytes == null ? AdminRequest.Body.empty() : () -> new ByteArrayInputStream(bytes));
        try (AdminResponse res = endpoint.handle(r)) {
            res.writeBody(new ByteArrayOutputStream());
            return res.status();
        }
    }

    /** What Tenant B holds, as its own administrator sees it: any change by tech A would show here. */
    private String stateOfB() {
        var admin = server.admin();
        OrganizationId id = b.id();
        return admin.organizations().require(id) + "|" + admin.groups().subtree(id, b.rootGroup().id()) + "|"
                + admin.accessKeys().list(id, PageRequest.first(100)).items() + "|" + admin.agents().require(id, com.heartbeatrm.core.AgentId.parse(bIds.get("agent")))
                + "|" + server.installers().list(id, PageRequest.first(100)).items() + "|" + server.signingKeys().list()
                + "|" + admin.audit().query(AuditQuery.all(id).withPage(PageRequest.first(500))).items().size();
    }

    @Test
    @DisplayName("every route, with Tenant B named by id or name and B's object ids: 404 (403 deployment-wide), and B unchanged")
    void noRouteReachesAnotherOrganization() throws Exception {
        AdminEndpoint tech = endpoint("tech-a");
        String before = stateOfB();
        for (String route : tech.routes()) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            for (Map.Entry<String, String> e : bIds.entrySet()) {
                path = path.replace("{" + e.getKey() + "}", e.getValue());
            }
            String body = method.equals("GET") || method.equals("DELETE") ? null
                    : path.endsWith("/installer") ? "agent" : "{\"name\":\"x\",\"group\":\"" + bIds.get("group") + "\",\"parent\":\"/\",\"reason\":\"x\"}";
            for (String org : List.of("org=" + b.id().value(), "org=Tenant%20B")) {
                consulted.clear();
                int status = call(tech, method, path, org, body);
                if (route.equals("GET /organizations")) {
                    assertThat(status).isEqualTo(200);
                } else if (route.startsWith("GET /signing-keys") || route.startsWith("POST /signing-keys")) {
                    assertThat(status).as(route).isEqualTo(403);
                } else {
                    assertThat(status).as(route + " " + org).isEqualTo(404);
                    assertThat(consulted).as(route + ": the authorizer was asked").isNotEmpty();
                }
            }
        }
        assertThat(stateOfB()).as("nothing of Tenant B changed").isEqualTo(before);
    }

    @Test
    @DisplayName("the organization list shows only what the actor may read; in its own organization the technician works as before")
    void ownOrganizationOnly() throws Exception {
        AdminEndpoint tech = endpoint("tech-a");
        AdminRequest list = new AdminRequest("GET", "/organizations", Optional.empty(), InetAddress.getLoopbackAddress(), Optional.empty(),
                Optional.empty(), OptionalLong.empty(), AdminRequest.Body.empty());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AdminResponse res = tech.handle(list)) {
            res.writeBody(out);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Tenant A").doesNotContain("Tenant B");
        assertThat(call(tech, "GET", "/groups", "org=" + a.id().value(), null)).isEqualTo(200);
        assertThat(call(tech, "POST", "/groups", "org=Tenant%20A", "{\"name\":\"Site A\"}")).isEqualTo(201);
        assertThat(call(tech, "GET", "/keys/" + bIds.get("key"), "org=Tenant%20A", null)).as("B's key looked up in A").isEqualTo(404);
        assertThat(call(endpoint("tech-b"), "GET", "/groups", "org=Tenant%20A", null)).as("another technician").isEqualTo(404);
        assertThat(call(endpoint("tech-a"), "GET", "/groups", "org=No%20Such%20Org", null)).as("as for one that does not exist").isEqualTo(404);
    }

    @Test
    @DisplayName("the default authorizer allows everything, as before the hook")
    void defaultAllowsAll() throws Exception {
        AdminEndpoint any = AdminEndpoint.builder(server, r -> new AdminAuthenticator.Authenticated(Actor.of("anyone"))).build();
        assertThat(call(any, "GET", "/agents/" + bIds.get("agent"), "org=Tenant%20B", null)).isEqualTo(200);
        assertThat(call(any, "GET", "/signing-keys", null, null)).isEqualTo(200);
    }
}
