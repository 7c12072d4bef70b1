// The load generator's data for wrk, run as a single-file program on a built reference server's classpath:
//   java -cp examples/target/heartbeat.jar heartbeat-benchmarks/scripts/wrk/WrkFixture.java MODE ...
// (The access keys and tokens come from WrkKeys.java, run with each serving build's own jar.) Modes:
//   enroll TOKENS COUNT OUT             COUNT distinct agents' signed enrollment bodies, one JSON per line,
//                                       round-robin over the tokens; OUT.keys names each agent key's seed by its
//                                       fingerprint, for the renewals below
//   renew DATA URL TOKENS COUNT OUT [POOL]
//                                       one signed renewal body per agent, one JSON per line: with POOL (the server's
//                                       work directory), for every agent that earlier wrk runs there enrolled or
//                                       renewed (bodies.lua's RESPONSES and SENT files: the credential it holds now,
//                                       agents whose last request is in doubt left out), shuffled; then, if fewer
//                                       than COUNT, enrolls the rest over HTTPS (8 connections, trusting
//                                       DATA/tls/server.crt) and adds their renewals
// Bodies are signed ahead (BouncyCastle Ed25519, on all cores), so that wrk only sends bytes: the figure is the
// server's. A renewal body is good for one renewal: the agent's next one needs the credential it returns, which is
// why the pool is rebuilt from the answers before each renewal run.
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
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class WrkFixture {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "enroll" -> {
                List<Key> seeds = new ArrayList<>();
                write(Path.of(a[3]), enrollBodies(tokens(Path.of(a[1])), Integer.parseInt(a[2]), seeds));
                writeKeys(Path.of(a[3] + ".keys"), seeds);
            }
            case "renew" -> renew(Path.of(a[1]), URI.create(a[2]), tokens(Path.of(a[3])), Integer.parseInt(a[4]), Path.of(a[5]),
                    a.length > 6 ? Optional.of(Path.of(a[6])) : Optional.empty());
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

    /** An agent key: its seed and public key. */
    record Key(byte[] seed, byte[] pub) {
    }

    static List<byte[]> enrollBodies(List<EnrollmentToken> tokens, int count, List<Key> seedsOut) {
        Instant at = Instant.now();
        Key[] seeds = new Key[count];
        List<byte[]> out = IntStream.range(0, count).parallel().mapToObj(i -> {
            byte[] seed = BcEd25519.generateSeed();
            byte[] pub = BcEd25519.publicKey(seed);
            seeds[i] = new Key(seed, pub);
            AgentFacts facts = new AgentFacts("wrk-" + i, "windows", "10.0.19045", "1.0.0", Optional.empty());
            return EnrollmentRequest.create(tokens.get(i % tokens.size()), pub, facts, nonce(), at, m -> BcEd25519.sign(seed, pub, m)).toJson();
        }).toList();
        if (seedsOut != null) {
            seedsOut.addAll(List.of(seeds));
        }
        return out;
    }

    static String fingerprint(byte[] publicKey) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(publicKey));
    }

    static void writeKeys(Path out, List<Key> keys) throws Exception {
        StringBuilder b = new StringBuilder();
        for (Key k : keys) {
            b.append(fingerprint(k.pub())).append(' ').append(HexFormat.of().formatHex(k.seed())).append('\n');
        }
        Files.writeString(out, b);
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

    /** A string or integer member of a one-line JSON object, found by its name (the answers' and bodies' own). */
    static String member(String json, String name) {
        String key = "\"" + name + "\":";
        int at = json.indexOf(key);
        if (at < 0) {
            throw new IllegalStateException("no " + name + " in " + json.substring(0, Math.min(200, json.length())));
        }
        int from = at + key.length();
        if (json.charAt(from) == '"') {
            return json.substring(from + 1, json.indexOf('"', from + 1));
        }
        int to = from;
        while (to < json.length() && Character.isDigit(json.charAt(to))) {
            to++;
        }
        return json.substring(from, to);
    }

    /** The claims of a PASETO v4.public credential, read without verifying (the server verifies): payload minus signature. */
    static String claims(String credential) {
        String[] parts = credential.split("\\.");
        byte[] signed = Base64.getUrlDecoder().decode(parts[2]);
        return new String(signed, 0, signed.length - 64, StandardCharsets.UTF_8);
    }

    /** An agent the server answered for, with the credential it holds now. */
    record Held(String agentId, String organizationId, String credential, long generation, String fingerprint) {
    }

    /**
     * The agents earlier runs against this server enrolled or renewed, each with its newest credential, less those whose
     * last renewal body was sent without an answer on record (the server may have moved it on: presenting the older
     * credential would lock it as a clone).
     */
    static List<Held> pool(Path dir) throws Exception {
        Map<String, Held> newest = new HashMap<>();
        List<Path> answers;
        try (Stream<Path> files = Files.list(dir)) {
            answers = files.filter(f -> f.getFileName().toString().matches(".*\\.txt\\.resp\\.[0-9]+")).toList();
        }
        for (Path f : answers) {
            for (String line : Files.readAllLines(f)) {
                if (!line.contains("\"credential\":")) {
                    continue;
                }
                String credential = member(line, "credential");
                Held h = new Held(member(line, "agentId"), member(line, "organizationId"), credential,
                        Long.parseLong(member(line, "generation")), member(claims(credential), "fp"));
                newest.merge(h.agentId(), h, (x, y) -> x.generation() >= y.generation() ? x : y);
            }
        }
        List<Path> renewals;
        try (Stream<Path> files = Files.list(dir)) {
            renewals = files.filter(f -> f.getFileName().toString().matches("renew-.*\\.txt")).toList();
        }
        Set<String> doubt = new HashSet<>();
        for (Path f : renewals) {
            List<String> bodies = Files.readAllLines(f);
            Path sent = Path.of(f + ".sent");
            List<Integer> lines = new ArrayList<>();
            if (bodies.isEmpty()) {
                continue;
            }
            if (Files.exists(sent)) {
                for (String t : Files.readAllLines(sent)) {
                    String[] p = t.trim().split(" ");
                    for (long i = Long.parseLong(p[1]); i <= Long.parseLong(p[2]); i += Long.parseLong(p[3])) {
                        lines.add((int) (i % bodies.size()));
                    }
                }
            } else {
                IntStream.range(0, bodies.size()).forEach(lines::add);
            }
            for (int i : lines) {
                String body = bodies.get(i);
                String agent = member(body, "agentId");
                long presented = Long.parseLong(member(claims(member(body, "credential")), "gen"));
                Held h = newest.get(agent);
                if (h == null || h.generation() <= presented) {
                    doubt.add(agent);
                }
            }
        }
        List<Held> out = new ArrayList<>(newest.values().stream().filter(h -> !doubt.contains(h.agentId())).toList());
        Collections.shuffle(out, RANDOM);
        return out;
    }

    static void renew(Path data, URI base, List<EnrollmentToken> tokens, int count, Path out, Optional<Path> poolDir) throws Exception {
        List<Held> held = poolDir.isPresent() ? pool(poolDir.get()) : List.of();
        Map<String, byte[]> seedOf = new HashMap<>();
        if (!held.isEmpty()) {
            Set<String> wanted = new HashSet<>();
            held.forEach(h -> wanted.add(h.fingerprint()));
            List<Path> keyFiles;
            try (Stream<Path> files = Files.list(poolDir.get())) {
                keyFiles = files.filter(f -> f.getFileName().toString().endsWith(".txt.keys")).toList();
            }
            for (Path f : keyFiles) {
                for (String line : Files.readAllLines(f)) {
                    String fp = line.substring(0, 64);
                    if (wanted.contains(fp)) {
                        seedOf.put(fp, HexFormat.of().parseHex(line.substring(65)));
                    }
                }
            }
        }
        Instant now = Instant.now();
        List<byte[]> result = new ArrayList<>(held.stream().filter(h -> seedOf.containsKey(h.fingerprint())).parallel().map(h -> {
            byte[] seed = seedOf.get(h.fingerprint());
            byte[] pub = BcEd25519.publicKey(seed);
            return RenewalRequest.create(h.agentId(), h.organizationId(), pub, Optional.of(AgentCredential.of(h.credential())), nonce(), now,
                    m -> BcEd25519.sign(seed, pub, m)).toJson();
        }).toList());
        int enroll = Math.max(0, count - result.size());
        System.err.println("renewal bodies: " + result.size() + " from earlier answers, " + enroll + " agents to enroll");
        List<Key> seeds = new ArrayList<>();
        if (enroll > 0) {
            result.addAll(enrollAndRenew(data, base, tokens, enroll, seeds));
        }
        writeKeys(Path.of(out + ".keys"), seeds);
        write(out, result);
    }

    /** Enrolls {@code count} new agents over HTTPS, 8 at a time, and returns each one's signed renewal body. */
    static List<byte[]> enrollAndRenew(Path data, URI base, List<EnrollmentToken> tokens, int count, List<Key> seeds) throws Exception {
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
                byte[] seed = seeds.get(n).seed();
                byte[] pub = seeds.get(n).pub();
                return RenewalRequest.create(member(r.body(), "agentId"), member(r.body(), "organizationId"), pub,
                        Optional.of(AgentCredential.of(member(r.body(), "credential"))), nonce(), Instant.now(), m -> BcEd25519.sign(seed, pub, m)).toJson();
            }));
        }
        List<byte[]> result = new ArrayList<>(count);
        for (Future<byte[]> f : renewals) {
            result.add(f.get());
        }
        exec.shutdown();
        return result;
    }
}
