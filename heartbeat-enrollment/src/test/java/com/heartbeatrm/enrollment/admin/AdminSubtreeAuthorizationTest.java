package com.heartbeatrm.enrollment.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AuditQuery;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InstallerRecord;
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
 * Group-subtree authorization: a technician given one customer's subtree of an MSP's organization can neither read nor
 * change anything in a sibling subtree (or above its own) through any route of the admin API, whichever ids it sends,
 * cannot move or create anything into it, and works as before inside its own subtree; lists show only its rows.
 */
@DisplayName("the admin API's group-subtree authorization")
class AdminSubtreeAuthorizationTest {
    private static final Actor OWNER = Actor.of("owner");
    private final MutableClock clock = new MutableClock(Instant.now());
    private final HeartbeatServer server = HeartbeatServer.builder(new InMemoryHeartbeatStore(), AesGcmKeyEncryptionKey.generate("test"),
            "https://hb.example").clock(clock).endpoints(List.of(URI.create("https://hb.example/v1/"))).build();
    private final NewOrganization msp;
    private final Group customerA;
    private final Group siteA;
    private final Group customerB;
    private final AccessKey keyA;
    private final AccessKey keyB;
    private final Agent agentA;
    private final Agent agentB;
    private final InstallerRecord installerA;
    private final InstallerRecord installerB;
    private final List<GroupPath> asked = new ArrayList<>();

    AdminSubtreeAuthorizationTest() throws Exception {
        server.signingKeys().ensureActiveKey();
        msp = server.admin().organizations().setUp(OWNER, "MSP");
        var groups = server.admin().groups();
        customerA = groups.create(OWNER, msp.id(), msp.rootGroup().id(), "Customer A");
        siteA = groups.create(OWNER, msp.id(), customerA.id(), "Site 1");
        customerB = groups.create(OWNER, msp.id(), msp.rootGroup().id(), "Customer B");
        keyA = server.admin().accessKeys().create(OWNER, msp.id(), AccessKeySpec.builder("a-key", siteA.id()).build());
        keyB = server.admin().accessKeys().create(OWNER, msp.id(), AccessKeySpec.builder("b-key", customerB.id()).build());
        var issuedA = server.installers().issueToken(OWNER, msp.id(), keyA.id(), InstallerRequest.DEFAULTS);
        var issuedB = server.installers().issueToken(OWNER, msp.id(), keyB.id(), InstallerRequest.DEFAULTS);
        installerA = issuedA.record();
        installerB = issuedB.record();
        agentA = enroll(issuedA.token(), "pc-a");
        agentB = enroll(issuedB.token(), "pc-b");
    }

    private Agent enroll(com.heartbeatrm.protocol.EnrollmentToken token, String host) throws Exception {
        byte[] body = EnrollmentRequest.create(token, AgentKeyPair.generate(), new AgentFacts(host, "linux", "6", "1", Optional.empty()), clock)
                .toJson();
        return ((EnrollmentResult.Enrolled) server.enroll(body, server.contextFor(InetAddress.getLoopbackAddress()))).agent();
    }

    /** tech-a: the MSP organization, but only Customer A's subtree; every group question is recorded. */
    private AdminEndpoint techA() {
        AdminAuthorizer customerAOnly = new AdminAuthorizer() {
            @Override
            public boolean allows(Actor actor, Optional<com.heartbeatrm.core.Organization> organization, AdminAction action) {
                return organization.map(o -> o.id().equals(msp.id())).orElse(false);
            }

            @Override
            public boolean allowsIn(Actor actor, com.heartbeatrm.core.Organization organization, GroupPath group, AdminAction action) {
                asked.add(group);
                return group.within(customerA.id());
            }
        };
        return AdminEndpoint.builder(server, r -> new AdminAuthenticator.Authenticated(Actor.of("tech-a"))).authorizer(customerAOnly).build();
    }

    private record Answer(int status, String body) {
    }

    private static Answer call(AdminEndpoint endpoint, String method, String path, String body) throws Exception {
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        int q = path.indexOf('?');
        String query = q < 0 ? "org=MSP" : "org=MSP&" + path.substring(q + 1);
        AdminRequest r = new AdminRequest(method, q < 0 ? path : path.substring(0, q), Optional.of(query), InetAddress.getLoopbackAddress(), Optional.empty(),
                Optional.empty(), bytes == null ? OptionalLong.empty() : OptionalLong.of(bytes.length),
                bytes == null ? AdminRequest.Body.empty() : () -> new ByteArrayInputStream(bytes));
        try (AdminResponse res = endpoint.handle(r)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            res.writeBody(out);
            return new Answer(res.status(), out.toString(StandardCharsets.UTF_8));
        }
    }

    /** Everything outside Customer A, as the owner sees it: any change by tech-a would show here. */
    private String outsideA() {
        var admin = server.admin();
        OrganizationId id = msp.id();
        return admin.groups().require(id, customerB.id()) + "|" + admin.groups().require(id, msp.rootGroup().id()) + "|"
                + admin.groups().children(id, customerB.id()) + "|" + admin.groups().children(id, msp.rootGroup().id()) + "|"
                + admin.accessKeys().require(id, keyB.id()) + "|" + admin.accessKeys().require(id, msp.defaultKey().id()) + "|"
                + admin.agents().require(id, agentB.id()) + "|" + server.installers().require(id, installerB.id()) + "|"
                + admin.agents().listByGroup(id, customerB.id(), PageRequest.first(100)).items() + "|"
                + admin.accessKeys().list(id, PageRequest.first(100)).items().stream().filter(k -> !k.groupId().equals(siteA.id())
                        && !k.groupId().equals(customerA.id())).toList();
    }

    private String[] outsideNames() {
        return new String[] {customerB.id().value(), keyB.id().value(), agentB.id().value(), installerB.id().value(), "Customer B", "b-key",
            "pc-b", msp.defaultKey().id().value()};
    }

    @Test
    @DisplayName("every route with Customer B's ids: 404 (lists 200 without B's rows; signing keys and attestation trust 403), and nothing outside A changes")
    void noRouteReachesASiblingSubtree() throws Exception {
        AdminEndpoint tech = techA();
        String before = outsideA();
        Map<String, String> ids = Map.of("group", customerB.id().value(), "key", keyB.id().value(), "agent", agentB.id().value(),
                "installer", installerB.id().value());
        for (String route : tech.routes()) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            boolean list = method.equals("GET") && !path.contains("{") && !path.startsWith("/signing-keys") && !path.startsWith("/attestation");
            for (Map.Entry<String, String> e : ids.entrySet()) {
                path = path.replace("{" + e.getKey() + "}", e.getValue());
            }
            String b = "\"" + customerB.id().value() + "\"";
            String body = method.equals("GET") || method.equals("DELETE") ? null
                    : path.endsWith("/installer") ? "agent"
                    : route.equals("POST /groups") ? "{\"name\":\"x\",\"parent\":" + b + "}"
                    : route.equals("POST /keys") ? "{\"name\":\"x\",\"group\":" + b + "}"
                    : path.endsWith("/rename") ? "{\"name\":\"x\"}"
                    : route.equals("POST /groups/{group}/move") ? "{\"parent\":\"Customer A\"}"
                    : path.endsWith("/move") || path.endsWith("/repoint") || path.endsWith("/assign") ? "{\"group\":\"Customer A\"}"
                    : route.equals("POST /keys/{key}/disable") || path.endsWith("/revoke") || path.endsWith("/unlock") ? "{\"reason\":\"x\"}"
                    : path.endsWith("/settings") ? "{\"settings\":{}}" : "{}";
            asked.clear();
            Answer a = call(tech, method, path, body);
            if (route.startsWith("GET /signing-keys") || route.startsWith("POST /signing-keys") || path.startsWith("/attestation")) {
                // The deployment's keys and the organization's attestation trust anchors are nobody's subtree.
                assertThat(a.status()).as(route).isEqualTo(403);
            } else if (list) {
                assertThat(a.status()).as(route).isEqualTo(200);
                assertThat(a.body()).as(route + " shows nothing outside Customer A").doesNotContain(outsideNames());
            } else {
                assertThat(a.status()).as(route + " " + a.body()).isEqualTo(404);
                assertThat(asked).as(route + ": the authorizer was asked about a group").isNotEmpty();
            }
        }
        // Into B from A: creating, moving and re-pointing into the sibling subtree, or at the root.
        assertThat(call(tech, "POST", "/groups", "{\"name\":\"x\",\"parent\":\"Customer B\"}").status()).isEqualTo(404);
        assertThat(call(tech, "POST", "/groups", "{\"name\":\"x\"}").status()).as("the root by default").isEqualTo(404);
        assertThat(call(tech, "POST", "/groups/" + siteA.id().value() + "/move", "{\"parent\":\"Customer B\"}").status()).isEqualTo(404);
        assertThat(call(tech, "POST", "/groups/" + customerA.id().value() + "/move", "{\"parent\":\"/\"}").status()).isEqualTo(404);
        assertThat(call(tech, "POST", "/keys", "{\"name\":\"k\",\"group\":\"Customer B\"}").status()).isEqualTo(404);
        assertThat(call(tech, "POST", "/keys/" + keyA.id().value() + "/repoint", "{\"group\":\"Customer B\"}").status()).isEqualTo(404);
        assertThat(call(tech, "POST", "/agents/" + agentA.id().value() + "/move", "{\"group\":\"" + customerB.id().value() + "\"}").status())
                .isEqualTo(404);
        assertThat(call(tech, "GET", "/agents", null).body()).contains(agentA.id().value()).doesNotContain(agentB.id().value());
        assertThat(outsideA()).as("nothing outside Customer A changed").isEqualTo(before);
        assertThat(server.admin().agents().require(msp.id(), agentA.id()).groupId()).isEqualTo(siteA.id());
        assertThat(server.admin().accessKeys().require(msp.id(), keyA.id()).groupId()).isEqualTo(siteA.id());
        assertThat(server.admin().groups().require(msp.id(), siteA.id()).parentId()).contains(customerA.id());
    }

    @Test
    @DisplayName("inside its own subtree the technician works as before, and lists show exactly its rows")
    void ownSubtree() throws Exception {
        AdminEndpoint tech = techA();
        assertThat(call(tech, "GET", "/groups/" + siteA.id().value(), null).status()).isEqualTo(200);
        assertThat(call(tech, "POST", "/groups", "{\"name\":\"Site 2\",\"parent\":\"Customer A\"}").status()).isEqualTo(201);
        assertThat(call(tech, "POST", "/agents/" + agentA.id().value() + "/move", "{\"group\":\"Customer A\"}").status()).isEqualTo(200);
        assertThat(call(tech, "POST", "/keys/" + keyA.id().value() + "/repoint", "{\"group\":\"Customer A/Site 2\"}").status()).isEqualTo(200);
        assertThat(call(tech, "GET", "/installers/" + installerA.id().value(), null).status()).isEqualTo(200);
        assertThat(call(tech, "POST", "/agents/" + agentA.id().value() + "/disable", null).status()).isEqualTo(200);
        Answer groups = call(tech, "GET", "/groups", null);
        assertThat(groups.body()).contains("Customer A", "Site 1", "Site 2").doesNotContain("Customer B", msp.rootGroup().id().value());
        assertThat(call(tech, "GET", "/keys", null).body()).contains(keyA.id().value()).doesNotContain(outsideNames());
        assertThat(call(tech, "GET", "/installers", null).body()).contains(installerA.id().value()).doesNotContain(installerB.id().value());
        assertThat(call(tech, "GET", "/agents?group=Customer%20A", null).body()).contains(agentA.id().value());
        assertThat(call(tech, "GET", "/agents?group=Customer%20B", null).status()).isEqualTo(404);
        assertThat(call(tech, "GET", "/agents?key=b-key", null).status()).isEqualTo(404);
        assertThat(call(tech, "GET", "/installers?key=" + keyB.id().value(), null).status()).isEqualTo(404);
        assertThat(call(tech, "GET", "/agents?status=active", null).body()).doesNotContain(agentB.id().value());
        Answer audit = call(tech, "GET", "/audit", null);
        assertThat(audit.body()).contains(agentA.id().value()).doesNotContain(outsideNames());
        assertThat(server.admin().audit().query(AuditQuery.all(msp.id()).withPage(PageRequest.first(500))).items())
                .as("the owner still sees every event").anyMatch(r -> r.event().subject().id().equals(agentB.id().value()));
    }
}
