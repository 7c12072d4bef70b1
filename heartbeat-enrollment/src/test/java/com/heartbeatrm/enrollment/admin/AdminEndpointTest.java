package com.heartbeatrm.enrollment.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.StrictJson;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.AuditAction;
import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Platform;
import com.heartbeatrm.core.Subject;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.spi.EnrollmentAttempt;
import com.heartbeatrm.core.spi.EnrollmentCommit;
import com.heartbeatrm.core.spi.EnrollmentVerdict;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.installer.BaseInstaller;
import com.heartbeatrm.installer.InstallerReader;
import com.heartbeatrm.testkit.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the admin API")
class AdminEndpointTest {
    private static final Actor ALICE = Actor.of("alice");
    private static final String TOKEN = "c0ffee-Admin-Token-0123456789abcdefXYZ";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    private final InMemoryHeartbeatStore store = new InMemoryHeartbeatStore();
    private final HeartbeatServer server = HeartbeatServer.builder(store, AesGcmKeyEncryptionKey.generate("test"), "https://hb.example")
            .clock(clock).endpoints(List.of(URI.create("https://hb.example/v1/"))).build();
    private final NewOrganization org;
    private InetAddress from = ip("192.0.2.10");

    @TempDir
    Path dir;

    private AdminEndpoint endpoint;

    AdminEndpointTest() {
        server.signingKeys().ensureActiveKey();
        org = server.admin().organizations().setUp(ALICE, "Acme MSP");
    }

    private AdminEndpoint endpoint() {
        if (endpoint == null) {
            endpoint = AdminEndpoint.builder(server, AdminAuthenticator.bearer(AdminToken.of(TOKEN), Actor.of("admin-api"), clock))
                    .installerBase(() -> BaseInstaller.open(zipBase())).workDirectory(dir.resolve("work")).build();
        }
        return endpoint;
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Path zipBase() throws java.io.IOException {
        Path base = dir.resolve("agent.zip");
        if (!Files.exists(base)) {
            try (OutputStream os = Files.newOutputStream(base); ZipOutputStream zip = new ZipOutputStream(os)) {
                zip.putNextEntry(new ZipEntry("agent.txt"));
                zip.write("the agent".getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return base;
    }

    record Answer(int status, Map<String, String> headers, Map<String, Object> json, byte[] bytes) {
        String error() {
            return (String) json.get("error");
        }

        Object field() {
            return json.get("field");
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items() {
            return (List<Map<String, Object>>) json.get("items");
        }
    }

    private Answer call(String method, String path, String body) {
        return call(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "Bearer " + TOKEN);
    }

    private Answer call(String method, String path, byte[] body, String authorization) {
        int q = path.indexOf('?');
        AdminRequest r = new AdminRequest(method, q < 0 ? path : path.substring(0, q), q < 0 ? Optional.empty() : Optional.of(path.substring(q + 1)),
                from, Optional.ofNullable(authorization), Optional.empty(), body == null ? OptionalLong.empty() : OptionalLong.of(body.length),
                body == null ? AdminRequest.Body.empty() : () -> new ByteArrayInputStream(body));
        try (AdminResponse res = endpoint().handle(r)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            res.writeBody(out);
            byte[] bytes = out.toByteArray();
            Map<String, Object> json = Map.of();
            if ("application/json".equals(res.headers().get("Content-Type"))) {
                json = TestJson.parse(bytes);
            }
            return new Answer(res.status(), res.headers(), json, bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Answer get(String path) {
        return call("GET", path, null);
    }

    private Answer post(String path, String body) {
        return call("POST", path, body);
    }

    /** Every row of a list, following {@code next} to the end. */
    private List<Map<String, Object>> all(String path) {
        List<Map<String, Object>> rows = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            String sep = path.contains("?") ? "&" : "?";
            Answer a = get(path + sep + "limit=1000" + (after == null ? "" : "&after=" + java.net.URLEncoder.encode(after, StandardCharsets.UTF_8)));
            assertThat(a.status()).as(path + " after " + after + ": " + a.json()).isEqualTo(200);
            rows.addAll(a.items());
            after = (String) a.json().get("next");
            assertThat(++pages).as("pages end").isLessThan(100);
        } while (after != null);
        return rows;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The bytes with their one NUL byte replaced by the bytes {@code hex} spells. */
    private static byte[] replaceNul(byte[] b, String hex) {
        int at = 0;
        while (b[at] != 0) {
            at++;
        }
        return concat(concat(Arrays.copyOf(b, at), HexFormat.of().parseHex(hex)), Arrays.copyOfRange(b, at + 1, b.length));
    }

    @Nested
    @DisplayName("routing")
    class Routing {
        @Test
        @DisplayName("an unknown path is a JSON 404 naming the path; a known path with another method is a 405 with Allow")
        void notFoundAndWrongMethod() {
            Answer a = get("/nothing/here");
            assertThat(a.status()).isEqualTo(404);
            assertThat(a.field()).isEqualTo("path");
            Answer b = call("PUT", "/keys", "{}");
            assertThat(b.status()).isEqualTo(405);
            assertThat(b.headers()).containsEntry("Allow", "GET, POST");
        }

        @Test
        @DisplayName("only POST /signing-keys/rotate rotates; any other path under it is a 404")
        void onlyRotateRotates() {
            String before = server.signingKeys().ensureActiveKey().keyId();
            assertThat(post("/signing-keys/" + before, "").status()).isEqualTo(404);
            assertThat(post("/signing-keys/anything", "").status()).isEqualTo(404);
            assertThat(server.signingKeys().ensureActiveKey().keyId()).isEqualTo(before);
            Answer r = post("/signing-keys/rotate", "");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("active")).isNotEqualTo(before);
        }

        @Test
        @DisplayName("the route table lists each route once and hides the old alias")
        void table() {
            assertThat(endpoint().routes()).contains("POST /keys/{key}/repoint", "POST /signing-keys/rotate", "POST /agents/{agent}/unlock")
                    .doesNotContain("POST /keys/{key}/assign").doesNotHaveDuplicates();
        }

        @Test
        @DisplayName("a malformed percent-escape is a JSON 400 naming the part, not an HTML page")
        void malformedEscape() {
            Answer a = get("/groups/%zz");
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.field()).isEqualTo("group");
            Answer b = get("/keys?limit=%zz");
            assertThat(b.status()).isEqualTo(400);
            assertThat(b.field()).isEqualTo("limit");
        }
    }

    @Nested
    @DisplayName("authentication")
    class Authentication {
        @Test
        @DisplayName("the scheme is matched in any case; a wrong token is a 401 that names the header")
        void caseInsensitiveScheme() {
            assertThat(call("GET", "/organizations", null, "bearer " + TOKEN).status()).isEqualTo(200);
            assertThat(call("GET", "/organizations", null, "BEARER " + TOKEN).status()).isEqualTo(200);
            Answer wrong = call("GET", "/organizations", null, "Bearer nope");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.field()).isEqualTo("Authorization");
            assertThat(wrong.error()).doesNotContain("nope");
        }

        @Test
        @DisplayName("wrong guesses are slowed per source (429 within the delay, which doubles); the right token always works")
        void slowedPerSource() {
            assertThat(call("GET", "/organizations", null, "Bearer wrong").status()).isEqualTo(401);
            Answer slowed = call("GET", "/organizations", null, "Bearer wrong-again");
            assertThat(slowed.status()).isEqualTo(429);
            assertThat(slowed.headers()).containsKey("Retry-After");
            assertThat(call("GET", "/organizations", null, "Bearer " + TOKEN).status()).as("the right token, from the same source").isEqualTo(200);
            clock.advance(Duration.ofMillis(300));
            assertThat(call("GET", "/organizations", null, "Bearer wrong").status()).as("the delay doubled").isEqualTo(429);
            clock.advance(Duration.ofSeconds(2));
            assertThat(call("GET", "/organizations", null, "Bearer wrong").status()).as("heard again after the delay").isEqualTo(401);
        }

        @Test
        @DisplayName("one wrong guess every 0.2 s from the admin's own address never refuses the admin's 22 requests")
        void guessesNeverLockTheAdminOut() {
            int allowed = 0;
            for (int i = 0; i < 22; i++) {
                call("GET", "/organizations", null, "Bearer guess-" + i);
                clock.advance(Duration.ofMillis(100));
                if (call("GET", "/organizations", null, "Bearer " + TOKEN).status() == 200) {
                    allowed++;
                }
                clock.advance(Duration.ofMillis(100));
            }
            assertThat(allowed).isEqualTo(22);
            assertThat(call("GET", "/organizations", null, "Bearer guess").status()).as("the guesses are still slowed").isEqualTo(429);
        }

        @Test
        @DisplayName("a token needs 128 bits: short, repetitive or spaced tokens are refused without being repeated")
        void weakTokens() {
            assertThatThrownBy(() -> AdminToken.of("a")).isInstanceOf(InvalidInputException.class);
            for (String weak : List.of("password", "a".repeat(64), "ab".repeat(40), "0123456789abcdef", "token with spaces 1234567890abcdef")) {
                assertThatThrownBy(() -> AdminToken.of(weak)).isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.getMessage()).doesNotContain(weak));
            }
            // 32 hex digits always pass; base64url needs 32 characters: 22 of them without a digit estimate at 125 bits.
            byte[] sixteen = new byte[16];
            byte[] twentyFour = new byte[24];
            for (int round = 0; round < 200; round++) {
                new SecureRandom().nextBytes(sixteen);
                new SecureRandom().nextBytes(twentyFour);
                AdminToken.of(HexFormat.of().formatHex(sixteen));
                AdminToken.of(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(twentyFour).replace('-', 'x').replace('_', 'y'));
            }
            assertThatThrownBy(() -> AdminToken.of("abcdefghijklmnopqrstuV")).isInstanceOf(InvalidInputException.class);
            assertThat(AdminToken.generate().toString()).doesNotContain(TOKEN).contains("redacted");
        }
    }

    @Nested
    @DisplayName("input")
    class Input {
        @Test
        @DisplayName("unknown, duplicate and wrongly typed JSON members are refused, naming the member")
        void strictBodies() {
            Answer unknown = post("/keys", "{\"name\":\"k\",\"group\":\"/\",\"colour\":\"red\"}");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.field()).isEqualTo("colour");
            Answer duplicate = post("/keys", "{\"name\":\"k\",\"name\":\"j\",\"group\":\"/\"}");
            assertThat(duplicate.status()).isEqualTo(400);
            assertThat(duplicate.field()).isEqualTo("body");
            Answer wrongType = post("/keys", "{\"name\":\"k\",\"group\":\"/\",\"maxUses\":\"ten\"}");
            assertThat(wrongType.status()).isEqualTo(400);
            assertThat(wrongType.field()).isEqualTo("maxUses");
            Answer notJson = post("/keys", "{name: k");
            assertThat(notJson.status()).isEqualTo(400);
            assertThat(notJson.field()).isEqualTo("body");
            Answer missing = post("/keys", "{\"group\":\"/\"}");
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.field()).isEqualTo("name");
        }

        @Test
        @DisplayName("a body in UTF-8 with a BOM, UTF-16, UTF-32 or malformed UTF-8 is a 400 naming the body; nothing is created")
        void utf8Only() {
            String json = "{\"name\":\"caf\u00e9\",\"group\":\"/\"}";
            Map<String, byte[]> bodies = new java.util.LinkedHashMap<>();
            bodies.put("BOM", concat(HexFormat.of().parseHex("efbbbf"), json.getBytes(StandardCharsets.UTF_8)));
            bodies.put("UTF-16LE", json.getBytes(StandardCharsets.UTF_16LE));
            bodies.put("UTF-16 with a BOM", json.getBytes(StandardCharsets.UTF_16));
            bodies.put("UTF-32BE", json.getBytes(java.nio.charset.Charset.forName("UTF-32BE")));
            bodies.put("overlong", json.replace("caf\u00e9", "caf\u0000").getBytes(StandardCharsets.UTF_8));
            bodies.computeIfPresent("overlong", (k, b) -> replaceNul(b, "c0af"));
            bodies.put("surrogate", replaceNul(json.replace("caf\u00e9", "caf\u0000").getBytes(StandardCharsets.UTF_8), "eda080"));
            bodies.put("cut short", replaceNul(json.replace("caf\u00e9", "caf\u0000").getBytes(StandardCharsets.UTF_8), "e2"));
            bodies.forEach((what, body) -> {
                Answer a = call("POST", "/keys", body, "Bearer " + TOKEN);
                assertThat(a.status()).as(what).isEqualTo(400);
                assertThat(a.field()).as(what).isEqualTo("body");
                assertThat(a.error()).as(what).contains("UTF-8");
            });
            assertThat(all("/keys")).hasSize(1);
            Answer utf8 = call("POST", "/keys", json.getBytes(StandardCharsets.UTF_8), "Bearer " + TOKEN);
            assertThat(utf8.status()).isEqualTo(201);
            assertThat(utf8.json().get("name")).isEqualTo("caf\u00e9");
        }

        @Test
        @DisplayName("out-of-range and malformed dates are a 400 naming the field, never a 500")
        void dates() {
            for (String date : List.of("+999999999-12-31T23:59:59Z", "-000001-01-01T00:00:00Z", "2300-01-01", "2026-13-01", "yesterday")) {
                Answer a = post("/keys", "{\"name\":\"k\",\"group\":\"/\",\"expiresAt\":\"" + date + "\"}");
                assertThat(a.status()).as(date).isEqualTo(400);
                assertThat(a.field()).as(date).isEqualTo("expiresAt");
            }
            Answer audit = get("/audit?from=%2B999999999-12-31T23:59:59Z");
            assertThat(audit.status()).isEqualTo(400);
            assertThat(audit.field()).isEqualTo("from");
        }

        @Test
        @DisplayName("a body larger than 64 KiB is a 413; a body on a route that takes none is a 400")
        void bodies() {
            assertThat(post("/keys", "{\"name\":\"" + "x".repeat(70_000) + "\"}").status()).isEqualTo(413);
            assertThat(call("GET", "/keys", "{}").status()).isEqualTo(400);
        }
    }

    @Nested
    @DisplayName("names and ids")
    class NamesAndIds {
        @Test
        @DisplayName("a group or key name shaped like another object's id is refused with a 400 naming the name; nothing changes")
        void idShapedNamesAreRefused() {
            Group site = server.admin().groups().create(ALICE, org.id(), org.rootGroup().id(), "Site 1");
            String keyId = org.defaultKey().id().value();
            for (String[] call : new String[][] {
                    {"/groups", "{\"name\":\"" + site.id().value() + "\",\"parent\":\"/\"}"},
                    {"/groups", "{\"name\":\" " + org.id().value() + "\",\"parent\":\"/\"}"},
                    {"/groups/" + site.id().value() + "/rename", "{\"name\":\"" + keyId + "\"}"},
                    {"/keys", "{\"name\":\"" + org.rootGroup().id().value() + "\",\"group\":\"/\"}"},
                    {"/keys/" + keyId + "/rename", "{\"name\":\"" + "HBK_" + keyId.substring(4) + "\"}"}}) {
                Answer a = post(call[0], call[1]);
                assertThat(a.status()).as(call[0] + " " + call[1]).isEqualTo(400);
                assertThat(a.field()).as(call[1]).isEqualTo("name");
                assertThat(a.error()).as(call[1]).contains("must not look like an id");
            }
            assertThat(all("/groups")).extracting(g -> g.get("path")).containsExactlyInAnyOrder("/", "Site 1");
            assertThat(all("/keys")).extracting(k -> k.get("name")).containsExactly("Default access key");
        }

        @Test
        @DisplayName("text of an id's shape is looked up as an id only: the right object, 404 when absent, 400 for another kind")
        void idShapedTextIsAnIdOnly() {
            NewOrganization other = server.admin().organizations().setUp(ALICE, "Other MSP");
            Group site = server.admin().groups().create(ALICE, org.id(), org.rootGroup().id(), "Site 1");
            Group otherSite = server.admin().groups().create(ALICE, other.id(), other.rootGroup().id(), "Site 1");
            String acme = "org=" + org.id().value();

            Answer byOrgId = get("/keys?" + acme);
            assertThat(byOrgId.status()).isEqualTo(200);
            assertThat(byOrgId.items()).extracting(k -> k.get("id")).containsExactly(org.defaultKey().id().value());
            assertThat(get("/keys?org=" + other.id().value()).items()).extracting(k -> k.get("id"))
                    .containsExactly(other.defaultKey().id().value());
            assertThat(get("/groups/" + site.id().value() + "?" + acme).json().get("id")).isEqualTo(site.id().value());
            assertThat(get("/keys/" + org.defaultKey().id().value() + "?" + acme).json().get("name")).isEqualTo("Default access key");

            // Another organization's objects, and ids nobody has, are not found: never a name that happens to match.
            assertThat(get("/groups/" + otherSite.id().value() + "?" + acme).status()).isEqualTo(404);
            assertThat(get("/keys/" + other.defaultKey().id().value() + "?" + acme).status()).isEqualTo(404);
            assertThat(get("/keys?org=" + OrganizationId.random().value()).status()).isEqualTo(404);
            // Text of another kind of id, or a non-canonical one, names nothing a look-up of this kind could find.
            Answer wrongKind = get("/keys?org=" + site.id().value());
            assertThat(wrongKind.status()).isEqualTo(400);
            assertThat(wrongKind.field()).isEqualTo("org");
            Answer groupAsKey = get("/groups/" + org.defaultKey().id().value() + "?" + acme);
            assertThat(groupAsKey.status()).isEqualTo(400);
            assertThat(groupAsKey.field()).isEqualTo("group");
            String nonCanonical = site.id().value().substring(0, 25) + "B";
            assertThat(get("/groups/" + nonCanonical + "?" + acme).status()).isEqualTo(400);
            Answer keyOfGroup = post("/keys/" + org.defaultKey().id().value() + "/repoint?" + acme,
                    "{\"group\":\"" + otherSite.id().value() + "\"}");
            assertThat(keyOfGroup.status()).isEqualTo(404);
            assertThat(server.admin().accessKeys().require(org.id(), org.defaultKey().id()).groupId()).isEqualTo(org.rootGroup().id());
        }
    }

    @Nested
    @DisplayName("complete lists")
    class Lists {
        @Test
        @DisplayName("1,100 keys page to the end, and a name lookup finds the 1,100th")
        void elevenHundredKeys() {
            for (int i = 0; i < 1100; i++) {
                server.admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("key " + i, org.rootGroup().id()).build());
            }
            List<Map<String, Object>> rows = all("/keys");
            assertThat(rows).hasSize(1101);
            assertThat(new HashSet<>(rows.stream().map(r -> r.get("id")).toList())).hasSize(1101);
            Answer first = get("/keys");
            assertThat(first.items()).hasSize(100);
            assertThat(first.json()).containsKey("next");
            Answer byName = post("/keys/key%201099/disable", "{\"reason\":\"test\"}");
            assertThat(byName.status()).as(byName.json().toString()).isEqualTo(200);
            assertThat(byName.json().get("status")).isEqualTo("DISABLED");
        }

        @Test
        @DisplayName("2,500 agents in one group page to the end, by group and over the whole tree")
        void twentyFiveHundredAgents() {
            Group g = server.admin().groups().create(ALICE, org.id(), org.rootGroup().id(), "Site");
            server.admin().groups().create(ALICE, org.id(), org.rootGroup().id(), "Empty");
            AccessKey key = server.admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("site", g.id()).build());
            SecureRandom random = new SecureRandom();
            for (int i = 0; i < 2500; i++) {
                byte[] fp = new byte[32];
                random.nextBytes(fp);
                EnrollmentAttempt a = new EnrollmentAttempt(org.id(), InstallerId.random(), key.id(), "hbs_" + "A".repeat(22),
                        HexFormat.of().formatHex(fp), "nonce-" + i + "-0000000000000000", clock.instant().plusSeconds(300), clock.instant(),
                        Optional.empty());
                String host = "pc-" + i;
                EnrollmentCommit c = store.agents().enroll(a, facts -> {
                    Agent agent = new Agent(AgentId.random(), org.id(), g.id(), AgentStatus.ACTIVE, a.now(), key.id(), Optional.of(a.installer()),
                            host, Platform.LINUX, a.agentFingerprint(), a.now(), 1, Optional.of(a.now()), Optional.of(a.now().plusSeconds(86400)), 0);
                    return new EnrollmentVerdict.Admit(agent, AuditEvent.of(a.now(), org.id(), Actor.SYSTEM, AuditAction.AGENT_ENROLLED,
                            Subject.of(agent.id()), Map.of(), Map.of()));
                });
                assertThat(c).isInstanceOf(EnrollmentCommit.Enrolled.class);
            }
            assertThat(all("/agents?group=Site")).hasSize(2500);
            List<Map<String, Object>> whole = all("/agents");
            assertThat(whole).hasSize(2500);
            assertThat(new HashSet<>(whole.stream().map(r -> r.get("id")).toList())).hasSize(2500);
            // Small pages over the whole tree cross group boundaries without losing or repeating a row.
            Set<Object> seen = new HashSet<>();
            String after = null;
            do {
                Answer a = get("/agents?limit=333" + (after == null ? "" : "&after=" + java.net.URLEncoder.encode(after, StandardCharsets.UTF_8)));
                a.items().forEach(r -> assertThat(seen.add(r.get("id"))).isTrue());
                after = (String) a.json().get("next");
            } while (after != null);
            assertThat(seen).hasSize(2500);
        }
    }

    @Nested
    @DisplayName("installers")
    class Installers {
        @Test
        @DisplayName("a download is the configured base with a verified token, recorded with its digests; an upload likewise")
        void downloadAndUpload() throws Exception {
            Answer a = get("/keys/" + org.defaultKey().id().value() + "/installer?platform=linux");
            assertThat(a.status()).as(new String(a.bytes(), StandardCharsets.UTF_8)).isEqualTo(200);
            assertThat(a.headers().get("Content-Disposition")).matches("attachment; filename=\"heartbeat-agent-ins_[A-Za-z0-9_-]+\\.jar\"");
            Path got = dir.resolve("got.jar");
            Files.write(got, a.bytes());
            var verified = InstallerReader.readAndVerify(got, EnrollmentTokenVerifier.builder(server.signingKeys().publicKeySet()).build());
            assertThat(verified.claims().installerId()).isEqualTo(a.headers().get("X-Heartbeat-Installer-Id"));
            Answer listed = get("/installers");
            assertThat(listed.items()).singleElement().satisfies(r -> assertThat(r.get("format")).isEqualTo("zip"));

            byte[] upload = Files.readAllBytes(zipBase());
            Answer u = call("POST", "/keys/" + org.defaultKey().id().value() + "/installer?filename=setup.zip", upload, "Bearer " + TOKEN);
            assertThat(u.status()).isEqualTo(200);
            assertThat(u.headers().get("Content-Disposition")).contains("setup-ins_").endsWith(".zip\"");
            try (var files = Files.list(dir.resolve("work").resolve("heartbeat-admin-" + ProcessHandle.current().pid()))) {
                assertThat(files.toList()).as("temp files are gone").isEmpty();
            }
        }

        @Test
        @DisplayName("singleUse=true issues a one-computer installer with a 24 h expiry, listed with its uses; another value is a 400")
        void singleUseDownload() {
            Answer a = get("/keys/" + org.defaultKey().id().value() + "/installer?singleUse=true");
            assertThat(a.status()).as(new String(a.bytes(), StandardCharsets.UTF_8)).isEqualTo(200);
            Answer listed = get("/installers");
            assertThat(listed.items()).singleElement().satisfies(r -> {
                assertThat(r.get("maxUses")).isEqualTo(1L);
                assertThat(r.get("uses")).isEqualTo(0L);
                assertThat(r.get("expires")).isEqualTo(clock.instant().plus(java.time.Duration.ofHours(24)).toString());
            });
            Answer bad = get("/keys/" + org.defaultKey().id().value() + "/installer?singleUse=yes");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.field()).isEqualTo("singleUse");
        }

        @Test
        @DisplayName("a node whose key-encryption key cannot unwrap the signing key answers 500, not 409, and names no key material")
        void wrongKeyEncryptionKeyIs500() {
            HeartbeatServer misconfigured = HeartbeatServer.builder(store, AesGcmKeyEncryptionKey.generate("other"), "https://hb.example")
                    .clock(clock).endpoints(List.of(URI.create("https://hb.example/v1/"))).build();
            endpoint = AdminEndpoint.builder(misconfigured, AdminAuthenticator.bearer(AdminToken.of(TOKEN), Actor.of("admin-api"), clock))
                    .installerBase(() -> BaseInstaller.open(zipBase())).workDirectory(dir.resolve("work")).build();
            Answer a = get("/keys/" + org.defaultKey().id().value() + "/installer?platform=linux");
            assertThat(a.status()).isEqualTo(500);
            assertThat(a.error()).isEqualTo("the server cannot use its signing key");
        }

        @Test
        @DisplayName("an upload for a disabled key is refused before it is stored; an empty one is a 400")
        void refusedUploads() {
            Answer empty = call("POST", "/keys/" + org.defaultKey().id().value() + "/installer", new byte[0], "Bearer " + TOKEN);
            assertThat(empty.status()).isEqualTo(400);
            assertThat(empty.field()).isEqualTo("file");
            server.admin().accessKeys().disable(ALICE, org.id(), org.defaultKey().id(), "leaked");
            Answer disabled = call("POST", "/keys/" + org.defaultKey().id().value() + "/installer", new byte[] {1, 2, 3}, "Bearer " + TOKEN);
            assertThat(disabled.status()).isEqualTo(409);
            assertThat(disabled.field()).isEqualTo("key");
        }
    }

    @Nested
    @DisplayName("attestation=tpm")
    class AttestationRequired {
        /** An agent enrolled without attestation into {@code g}, reporting a machine fingerprint. */
        private Agent plainAgent(Group g, AgentStatus status) {
            AccessKey key = server.admin().accessKeys().create(ALICE, org.id(), AccessKeySpec.builder("key " + System.nanoTime(), g.id()).build());
            byte[] fp = new byte[32];
            new SecureRandom().nextBytes(fp);
            EnrollmentAttempt a = new EnrollmentAttempt(org.id(), InstallerId.random(), key.id(), "hbs_" + "A".repeat(22), HexFormat.of().formatHex(fp),
                    "nonce-attest-0000000000000000", clock.instant().plusSeconds(300), clock.instant(), Optional.empty());
            Agent agent = new Agent(AgentId.random(), org.id(), g.id(), status, a.now(), key.id(), Optional.of(a.installer()), "pc-plain",
                    Platform.LINUX, a.agentFingerprint(), com.heartbeatrm.core.AgentKeyType.ED25519, a.now(), status == AgentStatus.ACTIVE ? 1 : 0,
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.of("hw-uuid-4711"), 0);
            store.agents().enroll(a, facts -> new EnrollmentVerdict.Admit(agent, AuditEvent.of(a.now(), org.id(), Actor.SYSTEM,
                    AuditAction.AGENT_ENROLLED, Subject.of(agent.id()), Map.of(), Map.of())));
            return agent;
        }

        @Test
        @DisplayName("moving or approving an agent without attestation into a group that requires it is a 409 naming the setting; "
                + "the agent view shows its machine fingerprint")
        void moveAndApproveRefused() {
            Group site = server.admin().groups().create(ALICE, org.id(), org.rootGroup().id(), "Site");
            Group vault = server.admin().groups().create(ALICE, org.id(), org.rootGroup().id(), "Vault");
            Answer set = post("/groups/Vault/settings", "{\"settings\":{\"attestation\":\"tpm\"}}");
            assertThat(set.status()).as(set.json().toString()).isEqualTo(200);
            Agent active = plainAgent(site, AgentStatus.ACTIVE);

            Answer view = get("/agents/" + active.id().value());
            assertThat(view.json()).containsEntry("machineFingerprint", "hw-uuid-4711").doesNotContainKey("attested");
            assertThat(all("/agents")).singleElement().satisfies(r -> assertThat(r).containsEntry("machineFingerprint", "hw-uuid-4711"));

            Answer move = post("/agents/" + active.id().value() + "/move", "{\"group\":\"Vault\"}");
            assertThat(move.status()).isEqualTo(409);
            assertThat(move.field()).isEqualTo("attestation");
            assertThat(move.error()).contains(active.id().value()).contains("not TPM-attested").contains("\"Vault\"");
            assertThat(server.admin().agents().require(org.id(), active.id()).groupId()).isEqualTo(site.id());

            Agent pending = plainAgent(vault, AgentStatus.PENDING);
            Answer approve = post("/agents/" + pending.id().value() + "/approve", null);
            assertThat(approve.status()).isEqualTo(409);
            assertThat(approve.field()).isEqualTo("attestation");
            assertThat(post("/agents/" + pending.id().value() + "/enable", null).status()).isEqualTo(409);
            assertThat(server.admin().agents().require(org.id(), pending.id()).status()).isEqualTo(AgentStatus.PENDING);
            Answer deny = post("/agents/" + pending.id().value() + "/deny", null);
            assertThat(deny.status()).isEqualTo(200);
            assertThat(deny.json()).containsEntry("status", "DISABLED");
        }

        @Test
        @DisplayName("turning attestation=tpm on answers how many groups now require it and how many active or pending agents lack it")
        void consequenceShown() {
            Group site = server.admin().groups().create(ALICE, org.id(), org.rootGroup().id(), "Site");
            server.admin().groups().create(ALICE, org.id(), site.id(), "Floor");
            plainAgent(site, AgentStatus.ACTIVE);
            plainAgent(site, AgentStatus.PENDING);
            plainAgent(site, AgentStatus.DISABLED);
            Answer on = post("/groups/Site/settings", "{\"settings\":{\"attestation\":\"tpm\"}}");
            assertThat(on.status()).as(on.json().toString()).isEqualTo(200);
            assertThat(on.json().get("attestationNowRequired")).isEqualTo(Map.of("groups", 2L, "unattestedAgents", 2L, "complete", true));
            // Locking it changes no group's requirement; at the root, only the root and its other subtrees change.
            Answer lock = post("/groups/Site/settings", "{\"lock\":[\"attestation\"]}");
            assertThat(lock.json()).doesNotContainKey("attestationNowRequired");
            Answer root = post("/groups/" + org.rootGroup().id().value() + "/settings", "{\"settings\":{\"attestation\":\"tpm\"}}");
            assertThat(root.status()).as(root.json().toString()).isEqualTo(200);
            assertThat(root.json().get("attestationNowRequired")).isEqualTo(Map.of("groups", 1L, "unattestedAgents", 0L, "complete", true));
        }
    }

    @Test
    @DisplayName("the old name keys/assign still works, as repoint")
    void assignAlias() {
        Group g = server.admin().groups().create(ALICE, org.id(), org.rootGroup().id(), "Customer A");
        Answer a = post("/keys/" + org.defaultKey().id().value() + "/assign", "{\"group\":\"Customer A\"}");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("group")).isEqualTo("Customer A");
        assertThat(server.admin().accessKeys().require(org.id(), org.defaultKey().id()).groupId()).isEqualTo(g.id());
    }
}
