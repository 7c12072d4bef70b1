package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.CredentialClaims;
import com.heartbeatrm.protocol.VerifiedEnrollmentToken;

import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.SigningPublicKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vectors in {@code docs/testdata} that the agent's client answers (responses, renewal timing), each through
 * the SDK's own client, and every file there regenerated and compared byte for byte. Keys, tokens and requests are
 * read by heartbeat-protocol's {@code ProtocolVectorsTest}, the tag vectors in heartbeat-installer
 * ({@code TagVectorsTest}); the independent Python checker ({@code docs/testdata/check.py}) reads them all in CI.
 */
class ProtocolVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void filesAreCurrent() throws Exception {
        if (Boolean.getBoolean("heartbeat.vectors.write")) {
            ProtocolVectors.writeAll();
        }
        for (Map.Entry<String, byte[]> f : ProtocolVectors.files().entrySet()) {
            assertThat(new String(Files.readAllBytes(ProtocolVectors.DIR.resolve(f.getKey())), StandardCharsets.UTF_8))
                    .as(f.getKey() + " is out of date: regenerate with -Dheartbeat.vectors.write=true")
                    .isEqualTo(new String(f.getValue(), StandardCharsets.UTF_8));
        }
    }

    private static JsonNode file(String name) throws Exception {
        return JSON.readTree(ProtocolVectors.DIR.resolve(name).toFile());
    }

    private static Stream<JsonNode> vectors(String name) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        file(name).get("vectors").forEach(out::add);
        return out.stream();
    }

    static Stream<JsonNode> responses() throws Exception {
        return vectors("responses.json");
    }

    /**
     * Each answer, served with its HTTP status by a server on a loopback port to the SDK's own client, which sent the
     * request of the vector's context (an enrollment with the agent key, or a renewal of an identity holding
     * {@code generationHeld}) at the context's time: the client's verdict, with every check of section 8.2, is the
     * vector's outcome.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void response(JsonNode v) throws Exception {
        JsonNode c = v.get("context");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = v.get("body").asText().getBytes(StandardCharsets.UTF_8);
        server.createContext("/v1/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", EnrollmentProtocol.CONTENT_TYPE);
            ex.sendResponseHeaders(v.get("httpStatus").asInt(), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/");
            assertThat(outcome(c, base)).as(v.get("name").asText()).isEqualTo(v.get("outcome").asText()
                    + (v.has("reason") ? " " + v.get("reason").asText() : ""));
        } finally {
            server.stop(0);
        }
    }

    /** What the client makes of the answer at {@code base}: the outcome, and for a refusal its reason. */
    private static String outcome(JsonNode c, URI base) throws Exception {
        Clock clock = Clock.fixed(Instant.parse(c.get("now").asText()), ZoneOffset.UTC);
        PinnedKeySet pinned = PinnedKeySet.parseJson(file("keys.json").get("pinnedKeySet").toString());
        EnrollmentClient client = EnrollmentClient.builder(pinned).clock(clock).retries(1, Duration.ofMillis(1), Duration.ofMillis(1)).build();
        AgentKeyPair keys = AgentKeyPair.restore(TestKeys.fromSeed(ProtocolVectors.AGENT.seed).getEncoded(), ProtocolVectors.AGENT.publicKey);
        assertThat(ProtocolVectors.b64(keys.publicKey())).isEqualTo(c.get("agentPublicKey").asText());
        String issuer = c.get("issuer").asText();
        String org = c.get("organizationId").asText();
        List<SigningPublicKey> learned = new ArrayList<>();
        c.get("learnedKeys").forEach(k -> learned.add(SigningPublicKey.of(Base64.getUrlDecoder().decode(k.get("x").asText()))));
        try {
            EnrollmentClient.Outcome o;
            if (c.get("request").asText().equals("enroll")) {
                String claims = "{\"ver\":2,\"iss\":\"" + issuer + "\",\"org\":\"" + org + "\",\"key\":\"" + ProtocolVectors.KEY + "\",\"jti\":\""
                        + ProtocolVectors.JTI + "\",\"iat\":\"" + ProtocolVectors.IAT + "\",\"endpoints\":[\"" + base + "\"]}";
                String token = ProtocolVectors.sign(claims, "{\"kid\":\"" + ProtocolVectors.ISSUER.kid() + "\"}",
                        "heartbeat-enrollment-token/v1".getBytes(StandardCharsets.US_ASCII), ProtocolVectors.ISSUER);
                VerifiedEnrollmentToken verified = EnrollmentTokenVerifier.builder(pinned).clock(clock).build().verify(token);
                o = client.enroll(verified, keys, new AgentFacts("pc-0042", "windows", "10.0.26100", "heartbeat-agent/1.4.2", Optional.empty()));
            } else {
                long held = c.get("generationHeld").asLong();
                String agent = c.get("agentId").asText();
                Instant iat = clock.instant().minus(Duration.ofDays(10));
                Instant exp = iat.plus(Duration.ofDays(30));
                Optional<AgentCredential> credential = held == 0 ? Optional.empty() : Optional.of(AgentCredential.of(ProtocolVectors.credential(
                        new CredentialClaims(issuer, org, agent, ProtocolVectors.GRP, keys.fingerprint(), held, iat, exp), ProtocolVectors.ISSUER)));
                AgentIdentity identity = new AgentIdentity(keys, agent, org, issuer, List.of(base), List.of(),
                        held == 0 ? AgentIdentity.Status.PENDING : AgentIdentity.Status.ACTIVE, credential,
                        credential.map(x -> iat), credential.map(x -> exp), held, "Acme MSP", "Acme MSP / Berlin / Finance", learned);
                o = client.renew(identity);
            }
            return o.status().name().toLowerCase(Locale.ROOT);
        } catch (EnrollmentClientException e) {
            return switch (e.kind()) {
                case REFUSED -> "denied " + e.denialCode().orElseThrow().wireName();
                case MALFORMED_RESPONSE -> "malformed";
                case BAD_CREDENTIAL -> "bad_credential";
                default -> throw e;
            };
        }
    }

    static Stream<JsonNode> renewalTimings() throws Exception {
        return vectors("renewal-timing.json");
    }

    /** The Java agent's rule: {@link EnrollmentClient#renewalDueAt}, and {@link EnrollmentClient#renewIfDue} sends only when due. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renewalTimings")
    void renewalTiming(JsonNode v) throws Exception {
        Clock clock = Clock.fixed(Instant.parse(v.get("now").asText()), ZoneOffset.UTC);
        PinnedKeySet pinned = PinnedKeySet.parseJson(file("keys.json").get("pinnedKeySet").toString());
        EnrollmentClient client = EnrollmentClient.builder(pinned).clock(clock).retries(1, Duration.ofMillis(1), Duration.ofMillis(1)).build();
        AgentKeyPair keys = AgentKeyPair.restore(TestKeys.fromSeed(ProtocolVectors.AGENT.seed).getEncoded(), ProtocolVectors.AGENT.publicKey);
        boolean active = v.get("status").asText().equals("active");
        Optional<Instant> iat = active ? Optional.of(Instant.parse(v.get("credentialIssuedAt").asText())) : Optional.empty();
        Optional<Instant> exp = active ? Optional.of(Instant.parse(v.get("credentialExpiresAt").asText())) : Optional.empty();
        Optional<AgentCredential> credential = iat.map(i -> AgentCredential.of(ProtocolVectors.credential(new CredentialClaims(ProtocolVectors.ISS,
                ProtocolVectors.ORG, v.get("agentId").asText(), ProtocolVectors.GRP, keys.fingerprint(), v.get("generation").asLong(), i, exp.get()),
                ProtocolVectors.ISSUER)));
        // Nothing listens on port 1 of the loopback: a renewal that is sent fails as unreachable.
        AgentIdentity identity = new AgentIdentity(keys, v.get("agentId").asText(), ProtocolVectors.ORG, ProtocolVectors.ISS,
                List.of(URI.create("http://127.0.0.1:1/v1/")), List.of(), active ? AgentIdentity.Status.ACTIVE : AgentIdentity.Status.PENDING,
                credential, iat, exp, v.get("generation").asLong(), "Acme MSP", "/");
        if (v.has("renewalUnanswered")) {
            identity = identity.withUnansweredRenewal(ProtocolVectors.NONCE, clock.instant().minusSeconds(60));
        }
        if (v.has("dueAt")) {
            assertThat(client.renewalDueAt(identity)).isEqualTo(Instant.parse(v.get("dueAt").asText()));
        }
        AgentIdentity judged = identity;
        if (v.get("due").asBoolean()) {
            assertThatThrownBy(() -> client.renewIfDue(judged)).as("due: it sends").isInstanceOfSatisfying(EnrollmentClientException.class,
                    e -> assertThat(e.kind()).isEqualTo(EnrollmentClientException.Kind.UNREACHABLE));
        } else {
            assertThat(client.renewIfDue(judged).status()).isEqualTo(EnrollmentClient.Outcome.Status.NOT_DUE);
        }
    }
}
