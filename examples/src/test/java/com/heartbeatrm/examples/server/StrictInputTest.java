package com.heartbeatrm.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What the reference server accepts as a name, an id and a body, over HTTP on a loopback port. */
@DisplayName("the reference server's input")
class StrictInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Actor ALICE = Actor.of("alice");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HeartbeatServer hb;
    private ReferenceServer server;
    private URI base;
    private NewOrganization acme;
    private NewOrganization other;
    private EnrollmentToken token;

    @BeforeEach
    void start() throws Exception {
        hb = TestServers.heartbeat(new InMemoryHeartbeatStore());
        server = TestServers.builder(hb).build().start();
        base = URI.create("http://127.0.0.1:" + server.port() + "/");
        acme = hb.admin().organizations().setUp(ALICE, "Acme");
        other = hb.admin().organizations().setUp(ALICE, "Other");
        token = hb.installers().issueToken(ALICE, acme.id(), acme.defaultKey().id(),
                InstallerRequest.builder().endpoints(List.of(base.resolve("v1/"))).build()).token();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Answer(int status, String contentType, JsonNode json) {
    }

    private Answer send(String method, String path, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TestServers.ADMIN_TOKEN);
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        String type = r.headers().firstValue("Content-Type").orElse("");
        return new Answer(r.statusCode(), type, type.startsWith("application/json") ? JSON.readTree(r.body()) : null);
    }

    private Answer post(String path, String json) throws Exception {
        return send("POST", path, json.getBytes(StandardCharsets.UTF_8));
    }

    private Answer get(String path) throws Exception {
        return send("GET", path, null);
    }

    private static String ids(JsonNode list) {
        StringBuilder b = new StringBuilder();
        list.path("items").forEach(i -> b.append(i.path("id").asText()).append(' '));
        return b.toString().strip();
    }

    @Nested
    @DisplayName("names are not ids")
    class Names {
        @Test
        @DisplayName("a group or key name shaped like another object's id is a 400 problem naming the name, on create and rename")
        void idShapedNamesAreRefused() throws Exception {
            String org = "?org=" + acme.id().value();
            Group site = hb.admin().groups().create(ALICE, acme.id(), acme.rootGroup().id(), "Site 1");
            Map<String, String> attempts = new LinkedHashMap<>();
            attempts.put("api/groups" + org, "{\"name\":\"" + other.id().value() + "\",\"parent\":\"/\"}");
            attempts.put("api/groups/" + site.id().value() + "/rename" + org, "{\"name\":\"" + other.rootGroup().id().value() + "\"}");
            attempts.put("api/keys" + org, "{\"name\":\"" + other.defaultKey().id().value() + "\",\"group\":\"/\"}");
            attempts.put("api/keys/" + acme.defaultKey().id().value() + "/rename" + org, "{\"name\":\"" + site.id().value() + "\"}");
            for (Map.Entry<String, String> e : attempts.entrySet()) {
                Answer a = post(e.getKey(), e.getValue());
                assertThat(a.status()).as(e.getKey()).isEqualTo(400);
                assertThat(a.contentType()).startsWith("application/json");
                assertThat(a.json().path("field").asText()).as(e.getKey()).isEqualTo("name");
                assertThat(a.json().path("error").asText()).as(e.getKey()).contains("must not look like an id");
            }
            assertThat(hb.admin().groups().require(acme.id(), site.id()).name()).isEqualTo("Site 1");
            assertThat(hb.admin().accessKeys().require(acme.id(), acme.defaultKey().id()).name()).isEqualTo("Default access key");
            assertThat(get("api/groups" + org).json().path("items")).hasSize(2);
        }

        @Test
        @DisplayName("look-ups by id reach the object the id names, and only it")
        void lookupsById() throws Exception {
            hb.admin().accessKeys().create(ALICE, other.id(), AccessKeySpec.builder("Other's second key", other.rootGroup().id()).build());
            assertThat(ids(get("api/keys?org=" + acme.id().value()).json())).isEqualTo(acme.defaultKey().id().value());
            assertThat(get("api/keys?org=" + other.id().value()).json().path("items")).hasSize(2);
            assertThat(get("api/keys/" + acme.defaultKey().id().value() + "?org=" + acme.id().value()).json().path("id").asText())
                    .isEqualTo(acme.defaultKey().id().value());
            assertThat(get("api/groups/" + other.rootGroup().id().value() + "?org=" + other.id().value()).json().path("root").asBoolean())
                    .isTrue();
            // Across organizations, or with an id nobody has, a look-up by id finds nothing; another kind of id is a 400.
            assertThat(get("api/keys/" + other.defaultKey().id().value() + "?org=" + acme.id().value()).status()).isEqualTo(404);
            assertThat(get("api/groups/" + other.rootGroup().id().value() + "?org=" + acme.id().value()).status()).isEqualTo(404);
            assertThat(get("api/keys?org=" + OrganizationId.random().value()).status()).isEqualTo(404);
            Answer wrongKind = get("api/keys?org=" + acme.rootGroup().id().value());
            assertThat(wrongKind.status()).isEqualTo(400);
            assertThat(wrongKind.json().path("field").asText()).isEqualTo("org");
        }
    }

    @Nested
    @DisplayName("bodies are UTF-8")
    class Utf8Bodies {
        /** The same JSON text in every encoding but UTF-8, and UTF-8 with each kind of malformed sequence in a string. */
        private Map<String, byte[]> notUtf8(byte[] utf8) {
            String text = new String(utf8, StandardCharsets.UTF_8);
            Map<String, byte[]> out = new LinkedHashMap<>();
            out.put("UTF-8 with a BOM", concat(hex("efbbbf"), utf8));
            out.put("UTF-16LE", text.getBytes(StandardCharsets.UTF_16LE));
            out.put("UTF-16BE with a BOM", concat(hex("feff"), text.getBytes(StandardCharsets.UTF_16BE)));
            out.put("UTF-32LE", text.getBytes(Charset.forName("UTF-32LE")));
            out.put("UTF-32BE with a BOM", concat(hex("0000feff"), text.getBytes(Charset.forName("UTF-32BE"))));
            int quote = text.indexOf("\":\"") + 3;
            out.put("overlong", splice(utf8, quote, hex("c0af")));
            out.put("surrogate", splice(utf8, quote, hex("eda080")));
            out.put("past U+10FFFF", splice(utf8, quote, hex("f4908080")));
            out.put("cut short", splice(utf8, quote, hex("e282")));
            return out;
        }

        private void refusedAsInvalidRequest(String path, byte[] utf8) throws Exception {
            for (Map.Entry<String, byte[]> e : notUtf8(utf8).entrySet()) {
                Answer a = send("POST", path, e.getValue());
                assertThat(a.status()).as(path + ", " + e.getKey()).isEqualTo(400);
                assertThat(a.json().path("status").asText()).as(e.getKey()).isEqualTo("denied");
                assertThat(a.json().path("reason").asText()).as(e.getKey()).isEqualTo("invalid_request");
            }
        }

        @Test
        @DisplayName("/v1/enroll and /v1/renew answer invalid_request to a BOM, UTF-16, UTF-32 and malformed UTF-8; UTF-8 is served")
        void agentEndpoints() throws Exception {
            AgentKeyPair keys = AgentKeyPair.generate();
            byte[] enroll = EnrollmentRequest.create(token, keys, new AgentFacts("pc-1", "linux", "6.1", "1.0", Optional.empty()),
                    Clock.systemUTC()).toJson();
            refusedAsInvalidRequest("v1/enroll", enroll);
            assertThat(hb.admin().agents().listByGroup(acme.id(), acme.rootGroup().id(), com.heartbeatrm.core.PageRequest.first(10)).items())
                    .as("no agent was made").isEmpty();
            Answer enrolled = send("POST", "v1/enroll", enroll);
            assertThat(enrolled.status()).as(String.valueOf(enrolled.json())).isEqualTo(200);

            String agentId = enrolled.json().path("agentId").asText();
            byte[] renew = RenewalRequest.create(agentId, acme.id().value(), keys,
                    Optional.of(AgentCredential.of(enrolled.json().path("credential").asText())), Clock.systemUTC()).toJson();
            refusedAsInvalidRequest("v1/renew", renew);
            Answer renewed = send("POST", "v1/renew", renew);
            assertThat(renewed.status()).as(String.valueOf(renewed.json())).isEqualTo(200);
            assertThat(renewed.json().path("generation").asLong()).isEqualTo(2);
        }

        @Test
        @DisplayName("the admin API answers 400 naming the body to the same bodies; UTF-8 is served")
        void adminApi() throws Exception {
            byte[] utf8 = "{\"name\":\"Caf\u00e9 key\",\"group\":\"/\"}".getBytes(StandardCharsets.UTF_8);
            String path = "api/keys?org=" + acme.id().value();
            for (Map.Entry<String, byte[]> e : notUtf8(utf8).entrySet()) {
                Answer a = send("POST", path, e.getValue());
                assertThat(a.status()).as(e.getKey()).isEqualTo(400);
                assertThat(a.json().path("field").asText()).as(e.getKey()).isEqualTo("body");
                assertThat(a.json().path("error").asText()).as(e.getKey()).contains("UTF-8");
            }
            assertThat(get(path).json().path("items")).as("no key was made").hasSize(1);
            Answer made = send("POST", path, utf8);
            assertThat(made.status()).isEqualTo(201);
            assertThat(made.json().path("name").asText()).isEqualTo("Caf\u00e9 key");
        }
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** The bytes with {@code insert} placed at {@code at}. */
    private static byte[] splice(byte[] b, int at, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, at);
        out.writeBytes(insert);
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }
}
