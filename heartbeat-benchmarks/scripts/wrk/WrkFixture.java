// The load generator's data for wrk, run as a single-file program on a built reference server's classpath:
//   java -cp examples/target/heartbeat.jar heartbeat-benchmarks/scripts/wrk/WrkFixture.java MODE ...
// (The access keys and tokens come from WrkKeys.java, run with each serving build's own jar.) Modes:
//   enroll TOKENS COUNT OUT             COUNT distinct agents' signed enrollment bodies, one JSON per line,
//                                       round-robin over the tokens
//   renew DATA URL TOKENS COUNT OUT     enrolls COUNT agents over HTTPS (8 connections, trusting DATA/tls/server.crt)
//                                       then writes each agent's signed renewal body, one JSON per line
// Bodies are signed ahead (BouncyCastle Ed25519), so that wrk only sends bytes: the figure is the server's.
import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class WrkFixture {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "enroll" -> write(Path.of(a[3]), enrollBodies(tokens(Path.of(a[1])), Integer.parseInt(a[2]), null));
            case "renew" -> renew(Path.of(a[1]), URI.create(a[2]), tokens(Path.of(a[3])), Integer.parseInt(a[4]), Path.of(a[5]));
            default -> throw new IllegalArgumentException("mode: enroll or renew");
        }
    }

    static List<EnrollmentToken> tokens(Path file) throws Exception {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> EnrollmentToken.of(l.strip())).toList();
    }

    static String nonce() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static List<byte[]> enrollBodies(List<EnrollmentToken> tokens, int count, List<byte[]> seedsOut) {
        List<byte[]> out = new ArrayList<>(count);
        Instant at = Instant.now();
        for (int i = 0; i < count; i++) {
            byte[] seed = BcEd25519.generateSeed();
            byte[] pub = BcEd25519.publicKey(seed);
            if (seedsOut != null) {
                seedsOut.add(seed);
            }
            AgentFacts facts = new AgentFacts("wrk-" + i, "windows", "10.0.19045", "1.0.0", Optional.empty());
            out.add(EnrollmentRequest.create(tokens.get(i % tokens.size()), pub, facts, nonce(), at, m -> BcEd25519.sign(seed, pub, m)).toJson());
        }
        return out;
    }

    static void write(Path out, List<byte[]> bodies) throws Exception {
        StringBuilder b = new StringBuilder();
        for (byte[] body : bodies) {
            String s = new String(body, StandardCharsets.UTF_8);
            if (s.indexOf('\n') >= 0) {
                throw new IllegalStateException("a body with a newline");
            }
            b.append(s).append('\n');
        }
        Files.writeString(out, b);
    }

    static String field(String json, String name) {
        String key = "\"" + name + "\":\"";
        int at = json.indexOf(key);
        if (at < 0) {
            throw new IllegalStateException("no " + name + " in " + json.substring(0, Math.min(200, json.length())));
        }
        int from = at + key.length();
        return json.substring(from, json.indexOf('"', from));
    }

    static void renew(Path data, URI base, List<EnrollmentToken> tokens, int count, Path out) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(data.resolve("tls").resolve("server.crt"))) {
            ks.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        List<byte[]> seeds = new ArrayList<>(count);
        List<byte[]> bodies = enrollBodies(tokens, count, seeds);
        ExecutorService exec = Executors.newFixedThreadPool(8);
        List<Future<byte[]>> renewals = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int n = i;
            renewals.add(exec.submit(() -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("enroll")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(n))).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("enrollment refused: " + r.statusCode() + " " + r.body());
                }
                byte[] seed = seeds.get(n);
                byte[] pub = BcEd25519.publicKey(seed);
                return RenewalRequest.create(field(r.body(), "agentId"), field(r.body(), "organizationId"), pub,
                        Optional.of(AgentCredential.of(field(r.body(), "credential"))), nonce(), Instant.now(), m -> BcEd25519.sign(seed, pub, m)).toJson();
            }));
        }
        List<byte[]> result = new ArrayList<>(count);
        for (Future<byte[]> f : renewals) {
            result.add(f.get());
        }
        exec.shutdown();
        write(out, result);
    }
}
