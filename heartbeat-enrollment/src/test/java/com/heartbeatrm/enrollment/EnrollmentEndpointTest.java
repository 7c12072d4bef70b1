package com.heartbeatrm.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.spi.AgentStore;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The transport-neutral endpoint: the protocol's answers, statuses and headers for every kind of request. */
class EnrollmentEndpointTest {
    private final Fixture f = new Fixture();
    private final InetAddress peer = Agents.ip("192.0.2.10");

    private EndpointResponse post(String path, byte[] body) {
        return f.server.endpoint().handle(new EndpointRequest("POST", path, body, peer));
    }

    private static String text(EndpointResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("enroll answers 200 with the protocol's enrolled body; renew answers 200 with renewed; both no-store JSON")
    void answers() throws Exception {
        Agents pc = Agents.windows("pc");
        EndpointResponse enrolled = post("/enroll", pc.enrollBody(f.issue().token(), f.clock));
        assertThat(enrolled.status()).isEqualTo(200);
        assertThat(text(enrolled)).startsWith("{\"v\":1,\"status\":\"enrolled\"").contains("\"group\":\"Customer A\"").contains("\"generation\":1");
        assertThat(enrolled.headers()).containsEntry("Content-Type", "application/json").containsEntry("Cache-Control", "no-store");
        assertThat(enrolled.toString()).doesNotContain("v4.public");
        String agentId = text(enrolled).replaceAll(".*\"agentId\":\"(agt_[^\"]+)\".*", "$1");
        pc.credential = com.heartbeatrm.protocol.AgentCredential.of(text(enrolled).replaceAll(".*\"credential\":\"([^\"]+)\".*", "$1"));
        com.heartbeatrm.core.Agent agent = f.admin.agents().require(f.acme.id(), com.heartbeatrm.core.AgentId.parse(agentId));
        EndpointResponse renewed = post("renew", pc.renewBody(agent, f.clock));
        assertThat(renewed.status()).isEqualTo(200);
        assertThat(text(renewed)).contains("\"status\":\"renewed\"").contains("\"generation\":2");
    }

    @Test
    @DisplayName("denials carry their public code and status: 400, 403, 413, 429 with Retry-After")
    void refusals() {
        EndpointResponse malformed = post("enroll", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(text(malformed)).isEqualTo("{\"v\":1,\"status\":\"denied\",\"reason\":\"invalid_request\",\"message\":\"the request is invalid\"}");
        IssuedToken t = f.issue();
        f.admin.accessKeys().disable(f.alice, f.acme.id(), f.keyA.id(), "x");
        EndpointResponse disabled = post("enroll", Agents.windows("pc").enrollBody(t.token(), f.clock));
        assertThat(disabled.status()).isEqualTo(403);
        assertThat(text(disabled)).contains("\"reason\":\"key_disabled\"");
        f.admin.accessKeys().enable(f.alice, f.acme.id(), f.keyA.id());
        IssuedToken single = f.installers.issueToken(f.alice, f.acme.id(), f.keyA.id(), InstallerRequest.builder().singleUse(true).build());
        assertThat(post("enroll", Agents.windows("one").enrollBody(single.token(), f.clock)).status()).isEqualTo(200);
        EndpointResponse used = post("enroll", Agents.windows("two").enrollBody(single.token(), f.clock));
        assertThat(used.status()).isEqualTo(403);
        assertThat(text(used)).contains("\"reason\":\"installer_used\"");
        byte[] big;
        try {
            big = EndpointRequest.readBody(new ByteArrayInputStream(new byte[EnrollmentProtocol.MAX_BODY_BYTES * 2]));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(post("enroll", big).status()).isEqualTo(413);
        for (int i = 0; i < 10; i++) {
            post("renew", "{}".getBytes(StandardCharsets.UTF_8));
        }
        EndpointResponse throttled = post("renew", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.headers()).containsKey("Retry-After");
        assertThat(text(throttled)).contains("\"reason\":\"throttled\"").contains("\"retryAfter\":");
    }

    @Test
    @DisplayName("unknown paths are 404, other methods 405 with Allow; an unavailable store is 503 with Retry-After")
    void transportErrors() {
        assertThat(post("/enrol", new byte[0]).status()).isEqualTo(404);
        EndpointResponse get = f.server.endpoint().handle(new EndpointRequest("GET", "enroll", new byte[0], peer));
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.headers()).containsEntry("Allow", "POST");
        assertThat(text(get)).contains("\"reason\":\"method_not_allowed\"");

        Fixture down = new Fixture(new AgentsDown(new InMemoryHeartbeatStore()), EnrollmentPolicy.DEFAULTS);
        EndpointResponse unavailable = down.server.endpoint().handle(new EndpointRequest("POST", "enroll",
                Agents.windows("pc").enrollBody(down.issue().token(), down.clock), peer));
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.headers()).containsEntry("Retry-After", "5");
        assertThat(text(unavailable)).contains("\"reason\":\"unavailable\"");
    }

    /** A store whose enrollment step fails as a lost database connection does: a transient StoreException. */
    private static final class AgentsDown implements com.heartbeatrm.core.spi.HeartbeatStore {
        private final com.heartbeatrm.core.spi.HeartbeatStore real;

        AgentsDown(com.heartbeatrm.core.spi.HeartbeatStore real) {
            this.real = real;
        }

        @Override
        public AgentStore agents() {
            AgentStore agents = real.agents();
            return (AgentStore) java.lang.reflect.Proxy.newProxyInstance(AgentStore.class.getClassLoader(), new Class<?>[] {AgentStore.class},
                    (proxy, m, args) -> {
                        if (m.getName().equals("enroll") || m.getName().equals("judgeAndEnroll")) {
                            throw new StoreException("database connection lost (SQLSTATE 08006)", true, null);
                        }
                        try {
                            return m.invoke(agents, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public com.heartbeatrm.core.spi.OrganizationStore organizations() {
            return real.organizations();
        }

        @Override
        public com.heartbeatrm.core.spi.GroupStore groups() {
            return real.groups();
        }

        @Override
        public com.heartbeatrm.core.spi.AccessKeyStore accessKeys() {
            return real.accessKeys();
        }

        @Override
        public com.heartbeatrm.core.spi.AuditStore audit() {
            return real.audit();
        }

        @Override
        public com.heartbeatrm.core.spi.InstallerStore installers() {
            return real.installers();
        }

        @Override
        public com.heartbeatrm.core.spi.SigningKeyStore signingKeys() {
            return real.signingKeys();
        }

        @Override
        public com.heartbeatrm.core.spi.ThrottleStore throttles() {
            return real.throttles();
        }
    }

    @Test
    @DisplayName("a body is read to one byte past the limit, never further")
    void boundedRead() throws Exception {
        byte[] huge = new byte[10 * 1024 * 1024];
        byte[] read = EndpointRequest.readBody(new ByteArrayInputStream(huge));
        assertThat(read).hasSize(EnrollmentProtocol.MAX_BODY_BYTES + 1);
        assertThat(DenialCode.REQUEST_TOO_LARGE.httpStatus()).isEqualTo(413);
    }
}
