package com.heartbeatrm.examples.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.heartbeatrm.agent.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.agent.EnrollmentRequest;
import com.heartbeatrm.agent.EnrollmentTokenVerifier;
import com.heartbeatrm.agent.PinnedKeySet;
import com.heartbeatrm.agent.RenewalRequest;
import com.heartbeatrm.agent.TokenException;
import com.heartbeatrm.agent.VerifiedEnrollmentToken;
import com.heartbeatrm.installer.InstallerException;
import com.heartbeatrm.installer.InstallerReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The sample agent: run as {@code java -jar INSTALLER [--state-dir DIR]}. It reads the enrollment token from its
 * own installer file, verifies it against the issuer keys pinned inside the file before talking to anyone,
 * enrolls at the endpoint the token names, and keeps its identity in the state directory; run again, it renews
 * its credential. Exit codes: 0 enrolled or renewed, 2 pending approval, 3 refused, 4 invalid or tampered
 * installer, 5 server unreachable.
 */
public final class SampleAgent {
    public static final String PINNED_KEYS = "heartbeat/pinned-keys.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SampleAgent() {
    }

    public static void main(String[] args) {
        Path stateDir = Path.of("agent-state");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--state-dir") && i + 1 < args.length) {
                stateDir = Path.of(args[++i]);
            }
        }
        System.exit(run(stateDir));
    }

    static int run(Path stateDir) {
        VerifiedEnrollmentToken token;
        try {
            Path self = Path.of(SampleAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            PinnedKeySet pinned;
            try (InputStream in = SampleAgent.class.getClassLoader().getResourceAsStream(PINNED_KEYS)) {
                if (in == null) {
                    System.err.println("this agent build has no pinned issuer keys");
                    return 4;
                }
                pinned = PinnedKeySet.parseJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            token = InstallerReader.readAndVerify(self, EnrollmentTokenVerifier.builder(pinned).build());
        } catch (InstallerException | TokenException e) {
            System.err.println("invalid installer: " + e.getMessage());
            return 4;
        } catch (Exception e) {
            System.err.println("invalid installer: cannot read it (" + e.getClass().getSimpleName() + ")");
            return 4;
        }
        URI enroll = token.claims().endpoints().get(0);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try {
            Path state = stateDir.resolve("state.json");
            if (Files.exists(state)) {
                ObjectNode s = (ObjectNode) JSON.readTree(state.toFile());
                AgentKeyPair keys = AgentKeyPair.restore(Base64.getDecoder().decode(s.get("privateKey").asText()),
                        Base64.getDecoder().decode(s.get("publicKey").asText()));
                byte[] body = RenewalRequest.create(s.get("agentId").asText(), s.get("organizationId").asText(), keys, Clock.systemUTC()).toJson();
                return outcome(post(http, enroll.resolve("renew"), body), stateDir, keys, true);
            }
            AgentKeyPair keys = AgentKeyPair.generate();
            AgentFacts facts = new AgentFacts(hostname(), platform(), System.getProperty("os.version").replaceAll("[^\\x20-\\x7e]", "?"),
                    "sample-1.0", Optional.empty());
            byte[] body = EnrollmentRequest.create(token.token(), keys, facts, Clock.systemUTC()).toJson();
            return outcome(post(http, enroll, body), stateDir, keys, false);
        } catch (ConnectException | HttpTimeoutException e) {
            System.err.println("server unreachable at " + enroll.getHost() + ":" + enroll.getPort());
            return 5;
        } catch (IOException e) {
            System.err.println("server unreachable: " + e.getClass().getSimpleName());
            return 5;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 5;
        }
    }

    private static HttpResponse<String> post(HttpClient http, URI uri, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int outcome(HttpResponse<String> response, Path stateDir, AgentKeyPair keys, boolean renewal) throws IOException {
        JsonNode r;
        try {
            r = JSON.readTree(response.body());
        } catch (IOException e) {
            System.err.println("refused: the server answered " + response.statusCode() + " without a readable body");
            return 3;
        }
        String status = r.path("status").asText();
        if (status.equals("enrolled") || status.equals("renewed") || status.equals("pending")) {
            saveState(stateDir, keys, r);
        }
        switch (status) {
            case "enrolled", "renewed" -> {
                System.out.println((renewal ? "renewed" : "enrolled") + ": agent " + r.path("agentId").asText() + " of \""
                        + r.path("organization").asText() + "\" in group \"" + r.path("group").asText() + "\"");
                return 0;
            }
            case "pending" -> {
                System.out.println("pending approval: agent " + r.path("agentId").asText() + " in group \"" + r.path("group").asText() + "\"");
                return 2;
            }
            default -> {
                if (response.statusCode() >= 500) {
                    System.err.println("server unavailable: " + r.path("message").asText());
                    return 5;
                }
                System.err.println("refused: " + r.path("message").asText("the server refused the request"));
                return 3;
            }
        }
    }

    /** The identity: key pair, agent id, organization, credential; owner-only, written to a temp file and moved. */
    private static void saveState(Path dir, AgentKeyPair keys, JsonNode r) throws IOException {
        Files.createDirectories(dir);
        ObjectNode s = JSON.createObjectNode();
        s.put("agentId", r.path("agentId").asText());
        s.put("organizationId", r.path("organizationId").asText());
        s.put("publicKey", Base64.getEncoder().encodeToString(keys.publicKey()));
        s.put("privateKey", Base64.getEncoder().encodeToString(keys.exportPrivateKeyPkcs8()));
        if (r.has("credential")) {
            s.put("credential", r.get("credential").asText());
        }
        Path tmp = Files.createTempFile(dir, ".state", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // not a POSIX file system
        }
        Files.write(tmp, JSON.writeValueAsBytes(s));
        Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String hostname() {
        String h = System.getenv().getOrDefault("HOSTNAME", "");
        if (h.isBlank()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = "agent";
            }
        }
        h = h.replaceAll("[^A-Za-z0-9._-]", "-");
        return h.isEmpty() ? "agent" : h.substring(0, Math.min(h.length(), 200));
    }

    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return os.contains("win") ? "windows" : os.contains("mac") ? "macos" : "linux";
    }
}
