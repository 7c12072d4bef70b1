package com.heartbeatrm.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.agent.AgentIdentity;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.protocol.DenialCode;
import com.heartbeatrm.agent.EnrollmentClientException;
import com.heartbeatrm.agent.FileAgentIdentityStore;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeyId;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.agent.EnrollmentClient;
import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.testkit.MutableClock;
import com.heartbeatrm.enrollment.AesGcmKeyEncryptionKey;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.enrollment.admin.AdminAuthenticator;
import com.heartbeatrm.enrollment.admin.AdminEndpoint;
import com.heartbeatrm.enrollment.admin.AdminToken;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both servlets in an embedded Jetty 12 on a real loopback port, driven by the SDK's own client and plain HTTP. */
@DisplayName("the servlets on Jetty 12")
class ServletsOnJettyTest {
    private static final String ADMIN_TOKEN = "servlet-test-admin-token-0123456789ABCDEF";
    /** The server's and the agents' clock: still unless a test moves it. */
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    private final HeartbeatServer server = HeartbeatServer.builder(new InMemoryHeartbeatStore(), AesGcmKeyEncryptionKey.generate("t"),
            "https://hb.example").clock(clock).build();
    private final AtomicReference<String> loseNextAnswer = new AtomicReference<>();
    private Server jetty;
    private URI base;
    private static final AgentFacts PC_1 = new AgentFacts("pc-1", "linux", "6.1", "1.0", Optional.empty());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        server.signingKeys().ensureActiveKey();
        jetty = new Server(new InetSocketAddressHolder().loopback());
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new EnrollmentServlet(server.endpoint())), "/v1/*");
        context.addFilter(new FilterHolder(new LoseAnswer(loseNextAnswer)), "/v1/*", EnumSet.of(DispatcherType.REQUEST));
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

    /**
     * When armed with the status the server will answer, lets the next request through to the server, which commits
     * it, then drops the server's answer and sends 502 instead: what an agent sees when a proxy times out, or the
     * connection breaks, after the server acted.
     */
    static final class LoseAnswer implements Filter {
        private final AtomicReference<String> armed;

        LoseAnswer(AtomicReference<String> armed) {
            this.armed = armed;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain) throws IOException, ServletException {
            String status = armed.getAndSet(null);
            if (status == null) {
                chain.doFilter(req, resp);
                return;
            }
            ByteArrayOutputStream lost = new ByteArrayOutputStream();
            HttpServletResponse real = (HttpServletResponse) resp;
            chain.doFilter(req, new HttpServletResponseWrapper(real) {
                @Override
                public ServletOutputStream getOutputStream() {
                    return new ServletOutputStream() {
                        @Override
                        public void write(int b) {
                            lost.write(b);
                        }

                        @Override
                        public boolean isReady() {
                            return true;
                        }

                        @Override
                        public void setWriteListener(WriteListener listener) {
                            throw new UnsupportedOperationException();
                        }
                    };
                }

                @Override
                public void flushBuffer() {
                }
            });
            assertThat(lost.toString(StandardCharsets.UTF_8)).as("the server answered before the answer was lost").contains("\"" + status + "\"");
            real.reset();
            real.setStatus(502);
            real.setContentType("text/plain");
            real.getOutputStream().write("bad gateway".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A verified token of a new installer for {@code key}, naming this server's enrollment endpoint. */
    /** The organization every test sets up, with its root group and default key. */
    private NewOrganization newOrg() {
        return server.admin().organizations().setUp(Actor.of("alice"), "Acme");
    }

    /** The SDK's client for a test that loses an answer: it tries once, so the lost answer fails the call. */
    private EnrollmentClient.Builder triesOnce() {
        return EnrollmentClient.builder(server.signingKeys().publicKeySet()).retries(1, Duration.ofMillis(10), Duration.ofMillis(10));
    }

    private VerifiedEnrollmentToken installer(NewOrganization org, AccessKeyId key) throws Exception {
        var issued = server.installers().issueToken(Actor.of("alice"), org.id(), key,
                InstallerRequest.builder().endpoints(List.of(base.resolve("v1/"))).build());
        return EnrollmentTokenVerifier.builder(server.signingKeys().publicKeySet()).build().verify(issued.token());
    }

    /** A new organization, and the SDK's client that enrolled its agent pc-1 through EnrollmentServlet. */
    private record Enrolled(NewOrganization org, EnrollmentClient client, EnrollmentClient.Outcome outcome) {
    }

    private Enrolled enrolledThroughTheServlet() throws Exception {
        NewOrganization org = newOrg();
        VerifiedEnrollmentToken token = installer(org, org.defaultKey().id());
        EnrollmentClient client = EnrollmentClient.builder(server.signingKeys().publicKeySet()).build();
        return new Enrolled(org, client, client.enroll(token, PC_1));
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
    }

    @Test
    @DisplayName("an agent enrolls and renews through EnrollmentServlet with the SDK's client")
    void enrollAndRenew() throws Exception {
        Enrolled pc = enrolledThroughTheServlet();
        EnrollmentClient.Outcome enrolled = pc.outcome();
        assertThat(enrolled.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
        assertThat(enrolled.identity().groupPath()).isEqualTo("/");
        EnrollmentClient.Outcome renewed = pc.client().renew(enrolled.identity());
        assertThat(renewed.status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
        assertThat(renewed.identity().generation()).isEqualTo(enrolled.identity().generation() + 1);
    }

    @Test
    @DisplayName("a renewal whose answer was lost: with an identity store the restarted agent gets its credential; without, it is a clone")
    void lostRenewalAnswer(@TempDir Path dir) throws Exception {
        NewOrganization org = newOrg();
        VerifiedEnrollmentToken token = installer(org, org.defaultKey().id());
        FileAgentIdentityStore store = FileAgentIdentityStore.in(dir.resolve("agent"));
        EnrollmentClient.Builder agent = triesOnce();

        AgentIdentity enrolled = agent.identityStore(store).build().enrollOrRenew(token, PC_1).identity();
        loseNextAnswer.set("renewed");
        assertThatThrownBy(() -> agent.identityStore(store).build().enrollOrRenew(token, PC_1)).isInstanceOf(EnrollmentClientException.class);
        AgentId id = new AgentId(enrolled.agentId());
        assertThat(server.admin().agents().require(org.id(), id).credentialGeneration()).as("the server renewed")
                .isEqualTo(enrolled.generation() + 1);
        assertThat(store.load().orElseThrow().generation()).as("the agent did not hear so").isEqualTo(enrolled.generation());

        EnrollmentClient.Outcome restarted = agent.identityStore(FileAgentIdentityStore.in(dir.resolve("agent"))).build()
                .enrollOrRenewIfDue(token, PC_1);
        assertThat(restarted.status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
        assertThat(restarted.identity().generation()).isEqualTo(enrolled.generation() + 1);
        assertThat(server.admin().agents().require(org.id(), id).status()).isEqualTo(AgentStatus.ACTIVE);
        assertThat(agent.identityStore(store).build().renew(restarted.identity()).identity().generation())
                .as("and renews on from there").isEqualTo(enrolled.generation() + 2);

        EnrollmentClient noStore = triesOnce().build();
        AgentIdentity other = noStore.enroll(token, new AgentFacts("pc-2", "linux", "6.1", "1.0", Optional.empty())).identity();
        loseNextAnswer.set("renewed");
        assertThatThrownBy(() -> noStore.renew(other)).isInstanceOf(EnrollmentClientException.class);
        assertThatThrownBy(() -> noStore.renew(other)).isInstanceOfSatisfying(EnrollmentClientException.class,
                e -> assertThat(e.denialCode()).contains(DenialCode.AGENT_LOCKED));
    }

    @Test
    @DisplayName("a renewal whose answer was lost, resent after that credential expired: the same credential, then a renewal from it")
    void lostRenewalAnswerPastItsExpiry(@TempDir Path dir) throws Exception {
        NewOrganization org = newOrg();
        VerifiedEnrollmentToken token = installer(org, org.defaultKey().id());
        EnrollmentClient.Builder agent = triesOnce().clock(clock);
        AgentIdentity enrolled = agent.identityStore(FileAgentIdentityStore.in(dir.resolve("agent"))).build().enrollOrRenew(token, PC_1)
                .identity();
        clock.advance(Duration.ofHours(1));
        loseNextAnswer.set("renewed");
        assertThatThrownBy(() -> agent.identityStore(FileAgentIdentityStore.in(dir.resolve("agent"))).build().enrollOrRenew(token, PC_1))
                .isInstanceOf(EnrollmentClientException.class);
        Instant secondIssued = clock.instant();

        clock.advance(Duration.ofDays(3));
        EnrollmentClient.Outcome restarted = agent.identityStore(FileAgentIdentityStore.in(dir.resolve("agent"))).build()
                .enrollOrRenewIfDue(token, PC_1);
        assertThat(restarted.status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
        assertThat(restarted.identity().generation()).as("generation 2 came back as issued, expired; then 3").isEqualTo(3);
        assertThat(restarted.identity().credentialIssuedAt()).contains(clock.instant());
        assertThat(restarted.identity().credentialExpiresAt().orElseThrow()).isAfter(clock.instant());
        AgentId id = new AgentId(enrolled.agentId());
        assertThat(server.admin().agents().require(org.id(), id).status()).isEqualTo(AgentStatus.ACTIVE);
        assertThat(server.admin().agents().require(org.id(), id).credentialIssuedAt()).contains(clock.instant()).isNotEqualTo(java.util.Optional.of(secondIssued));
    }

    @Test
    @DisplayName("an enrollment whose answer was lost, on a single-use key: with an identity store the restarted agent is the same agent")
    void lostEnrollmentAnswer(@TempDir Path dir) throws Exception {
        NewOrganization org = newOrg();
        AccessKey once = server.admin().accessKeys().create(Actor.of("alice"), org.id(),
                AccessKeySpec.builder("one install", org.rootGroup().id()).maxUses(1).build());
        VerifiedEnrollmentToken token = installer(org, once.id());
        EnrollmentClient.Builder agent = triesOnce();

        loseNextAnswer.set("enrolled");
        assertThatThrownBy(() -> agent.identityStore(FileAgentIdentityStore.in(dir.resolve("agent"))).build().enrollOrRenewIfDue(token, PC_1))
                .isInstanceOf(EnrollmentClientException.class);
        assertThat(server.admin().accessKeys().require(org.id(), once.id()).useCount()).as("the server enrolled it").isEqualTo(1);

        EnrollmentClient.Outcome restarted = agent.identityStore(FileAgentIdentityStore.in(dir.resolve("agent"))).build()
                .enrollOrRenewIfDue(token, PC_1);
        assertThat(restarted.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
        assertThat(server.admin().agents().listByKey(org.id(), once.id(), PageRequest.first(10)).items())
                .singleElement().satisfies(a -> assertThat(a.id().value()).isEqualTo(restarted.identity().agentId()));
        assertThat(server.admin().accessKeys().require(org.id(), once.id()).useCount()).as("no second use").isEqualTo(1);

        EnrollmentClient noStore = triesOnce().build();
        assertThatThrownBy(() -> noStore.enroll(token, PC_1)).as("a new key is a new agent: the single use is spent")
                .isInstanceOfSatisfying(EnrollmentClientException.class, e -> assertThat(e.denialCode()).contains(DenialCode.KEY_EXHAUSTED));
    }

    @Test
    @DisplayName("a kept enrollment key whose agent an admin disabled is forgotten: the next enrollment is a new agent")
    void keptKeyOfADisabledAgent(@TempDir Path dir) throws Exception {
        NewOrganization org = newOrg();
        VerifiedEnrollmentToken token = installer(org, org.defaultKey().id());
        EnrollmentClient agent = triesOnce().identityStore(FileAgentIdentityStore.in(dir.resolve("agent"))).build();

        loseNextAnswer.set("enrolled");
        assertThatThrownBy(() -> agent.enrollOrRenewIfDue(token, PC_1)).isInstanceOf(EnrollmentClientException.class);
        Agent orphan = server.admin().agents().listByKey(org.id(), org.defaultKey().id(), PageRequest.first(10)).items().get(0);
        server.admin().agents().setStatus(Actor.of("alice"), org.id(), orphan.id(), AgentStatus.DISABLED);
        assertThatThrownBy(() -> agent.enrollOrRenewIfDue(token, PC_1)).isInstanceOfSatisfying(EnrollmentClientException.class,
                e -> assertThat(e.denialCode()).contains(DenialCode.AGENT_DISABLED));
        EnrollmentClient.Outcome fresh = agent.enrollOrRenewIfDue(token, PC_1);
        assertThat(fresh.status()).isEqualTo(EnrollmentClient.Outcome.Status.ENROLLED);
        assertThat(fresh.identity().agentId()).isNotEqualTo(orphan.id().value());
    }

    @Test
    @DisplayName("a pending agent's polls: one answered 'pending' and lost is dropped; the first after approval, lost, is answered again")
    void lostPollAnswers(@TempDir Path dir) throws Exception {
        NewOrganization org = newOrg();
        server.admin().groups().setOverride(Actor.of("alice"), org.id(), org.rootGroup().id(), SecuritySetting.REQUIRE_APPROVAL, true);
        VerifiedEnrollmentToken token = installer(org, org.defaultKey().id());
        EnrollmentClient.Builder agent = triesOnce();
        FileAgentIdentityStore store = FileAgentIdentityStore.in(dir.resolve("agent"));

        AgentIdentity pending = agent.identityStore(store).build().enrollOrRenew(token, PC_1).identity();
        assertThat(pending.status()).isEqualTo(AgentIdentity.Status.PENDING);
        loseNextAnswer.set("pending");
        assertThatThrownBy(() -> agent.identityStore(store).build().enrollOrRenew(token, PC_1)).isInstanceOf(EnrollmentClientException.class);
        assertThat(store.load().orElseThrow().unansweredRenewalSince()).isPresent();
        EnrollmentClient.Outcome polled = agent.identityStore(store).build().enrollOrRenew(token, PC_1);
        assertThat(polled.status()).as("the kept poll goes out again (or gives way to a fresh one), and the agent polls on")
                .isEqualTo(EnrollmentClient.Outcome.Status.PENDING);
        assertThat(store.load().orElseThrow().unansweredRenewalSince()).isEmpty();

        AgentId id = new AgentId(pending.agentId());
        server.admin().agents().approve(Actor.of("alice"), org.id(), id);
        loseNextAnswer.set("renewed");
        assertThatThrownBy(() -> agent.identityStore(store).build().enrollOrRenew(token, PC_1)).isInstanceOf(EnrollmentClientException.class);
        assertThat(server.admin().agents().require(org.id(), id).credentialGeneration()).isEqualTo(1);
        EnrollmentClient.Outcome approved = agent.identityStore(FileAgentIdentityStore.in(dir.resolve("agent"))).build()
                .enrollOrRenew(token, PC_1);
        assertThat(approved.status()).isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);
        assertThat(approved.identity().generation()).isEqualTo(1);
        assertThat(server.admin().agents().require(org.id(), id).status()).isEqualTo(AgentStatus.ACTIVE);
    }

    @Test
    @DisplayName("a renewal or poll proving its key for an agent or organization that does not exist is agent_not_found; another agent's key is rejected")
    void agentNotFound() throws Exception {
        Enrolled pc = enrolledThroughTheServlet();
        AgentIdentity enrolled = pc.outcome().identity();
        AgentKeyPair stranger = AgentKeyPair.generate();
        String noSuchAgent = "agt_" + "A".repeat(22);
        String noSuchOrg = "org_" + "A".repeat(22);

        assertThat(renew(RenewalRequest.create(noSuchAgent, pc.org().id().value(), stranger, Optional.empty(), Clock.systemUTC())))
                .as("a poll for an agent the organization does not have").contains("403", "\"agent_not_found\"");
        assertThat(renew(RenewalRequest.create(noSuchAgent, noSuchOrg, stranger, Optional.empty(), Clock.systemUTC())))
                .as("a poll in an organization that does not exist").contains("403", "\"agent_not_found\"");
        assertThat(renew(RenewalRequest.create(noSuchAgent, pc.org().id().value(), enrolled.keys(), enrolled.credential(), Clock.systemUTC())))
                .as("a renewal for an agent the organization does not have, presenting another agent's credential")
                .contains("403", "\"agent_not_found\"");
        assertThat(renew(RenewalRequest.create(noSuchAgent, noSuchOrg, enrolled.keys(), enrolled.credential(), Clock.systemUTC())))
                .as("a renewal in an organization that does not exist, presenting another agent's credential")
                .contains("403", "\"agent_not_found\"");
        assertThat(renew(RenewalRequest.create(enrolled.agentId(), pc.org().id().value(), stranger, Optional.empty(), Clock.systemUTC())))
                .as("an existing agent with another key").contains("403", "\"rejected\"");
        assertThat(renew(RenewalRequest.create(enrolled.agentId(), pc.org().id().value(), stranger, enrolled.credential(), Clock.systemUTC())))
                .as("an existing agent with another key and the agent's credential").contains("403", "\"rejected\"");
        assertThat(pc.client().renew(enrolled).status()).as("none of this touched the agent").isEqualTo(EnrollmentClient.Outcome.Status.RENEWED);

        server.admin().agents().delete(Actor.of("alice"), pc.org().id(), new AgentId(enrolled.agentId()));
        assertThat(renew(RenewalRequest.create(enrolled.agentId(), pc.org().id().value(), enrolled.keys(), enrolled.credential(), Clock.systemUTC())))
                .as("a deleted agent renewing with its credential").contains("403", "\"agent_not_found\"");
        assertThatThrownBy(() -> pc.client().renew(enrolled)).as("the SDK's client reads it").isInstanceOfSatisfying(EnrollmentClientException.class,
                e -> assertThat(e.denialCode()).contains(DenialCode.AGENT_NOT_FOUND));
    }

    @Test
    @DisplayName("a null member is absent on a live server: an enrollment and a poll whose optional members are null are answered")
    void nullMembersAreAbsent() throws Exception {
        NewOrganization org = newOrg();
        server.admin().groups().setOverride(Actor.of("alice"), org.id(), org.rootGroup().id(), SecuritySetting.REQUIRE_APPROVAL, true);
        VerifiedEnrollmentToken token = installer(org, org.defaultKey().id());
        AgentKeyPair keys = AgentKeyPair.generate();
        String enroll = new String(EnrollmentRequest.create(token.token(), keys, PC_1,
                Clock.systemUTC()).toJson(), StandardCharsets.UTF_8).replace("\"agentVersion\":\"1.0\"", "\"agentVersion\":\"1.0\",\"machineFingerprint\":null");
        assertThat(enroll).contains("\"machineFingerprint\":null");
        String pending = post("v1/enroll", enroll);
        assertThat(pending).startsWith("202 ").contains("\"pending\"");
        String agentId = pending.replaceAll(".*\"agentId\":\"(agt_[^\"]+)\".*", "$1");
        String poll = new String(RenewalRequest.create(agentId, org.id().value(), keys, Optional.empty(), Clock.systemUTC()).toJson(),
                StandardCharsets.UTF_8).replace("\"nonce\":", "\"credential\":null,\"nonce\":");
        assertThat(post("v1/renew", poll)).startsWith("202 ").contains("\"pending\"");
        assertThat(post("v1/renew", poll.replaceAll("\"proof\":\"[^\"]+\"", "\"proof\":null"))).as("a required member that is null is missing")
                .startsWith("400 ").contains("\"invalid_request\"");
    }

    private String post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", EnrollmentProtocol.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    /** The HTTP status and body the renew endpoint answers {@code request} with. */
    private String renew(RenewalRequest request) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("v1/renew")).header("Content-Type", EnrollmentProtocol.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.toJson())).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
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
    @DisplayName("a request in UTF-8 with a BOM, UTF-16 or UTF-32 is invalid_request, with or without its BOM; the same bytes in UTF-8 enroll")
    void utf8Only() throws Exception {
        NewOrganization org = newOrg();
        byte[] utf8 = EnrollmentRequest.create(installer(org, org.defaultKey().id()).token(),
                AgentKeyPair.generate(), PC_1, Clock.systemUTC()).toJson();
        String text = new String(utf8, StandardCharsets.UTF_8);
        java.nio.charset.Charset utf32 = java.nio.charset.Charset.forName("UTF-32");
        Map<String, byte[]> bodies = new java.util.LinkedHashMap<>();
        bodies.put("UTF-8 with a BOM", concat(HexFormat.of().parseHex("efbbbf"), utf8));
        bodies.put("UTF-16LE", text.getBytes(StandardCharsets.UTF_16LE));
        bodies.put("UTF-16 with a BOM", text.getBytes(StandardCharsets.UTF_16));
        bodies.put("UTF-32BE", text.getBytes(utf32));
        bodies.put("UTF-32LE with a BOM", concat(HexFormat.of().parseHex("fffe0000"), text.getBytes(java.nio.charset.Charset.forName("UTF-32LE"))));
        for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("v1/enroll")).POST(HttpRequest.BodyPublishers.ofByteArray(e.getValue()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(r.body()).as(e.getKey()).contains("\"reason\":\"invalid_request\"");
        }
        HttpResponse<String> enrolled = http.send(HttpRequest.newBuilder(base.resolve("v1/enroll")).POST(HttpRequest.BodyPublishers.ofByteArray(utf8))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    @DisplayName("the admin API through AdminServlet: bearer in any case, JSON errors, raw segments routed as sent")
    void adminApi() throws Exception {
        NewOrganization org = newOrg();
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
