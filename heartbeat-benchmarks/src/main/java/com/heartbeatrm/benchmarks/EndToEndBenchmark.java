package com.heartbeatrm.benchmarks;

import com.heartbeatrm.enrollment.EnrollmentResult;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * What an operator sees: enrollments and renewals per second, and their latency, driven over HTTPS against the
 * reference server (Jetty, TLS, the JDBC store) by 1, 8 and 32 concurrent clients, each on its own keep-alive TLS
 * connection, sending distinct agents' signed requests built ahead of time. PostgreSQL and embedded H2; one hot
 * access key or 1,000 keys. Sample-time mode: throughput is clients divided by the mean; JMH reports p50 and p99.
 *
 * <p>Beside them, in the same run: {@code wireFloor*} (the same connection and a request the server answers without
 * work: what HTTPS alone costs), {@code inProcessEnroll*} (the same enrollments handed to {@code HeartbeatServer}
 * in-process: what the wire adds), {@code jdkClientEnroll08} (the JDK's HttpClient as the client, as agents use it),
 * {@link PlainSqlCeilingBenchmark} and {@code EnrollmentBenchmark.crypto*}.
 *
 * <p>The warm-up is long (4 × 4 s): over the wire, a 2-core machine needs about 15 s before Jetty's, TLS's and our
 * code is compiled. The access log is off, as an operator at load would set it.
 *
 * <p>Run: {@code java -jar heartbeat-benchmarks/target/benchmarks.jar "EndToEnd|PlainSqlCeiling"} (PostgreSQL at
 * 127.0.0.1:5432, database test, user postgres).
 */
public class EndToEndBenchmark extends OverTheWireDefaults {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final byte[] FLOOR_BODY = new byte[900];
    /** Enough distinct requests for the warm-up and measurement at the highest rate seen, with room to spare. */
    static final int ENROLLMENTS = 60_000;
    /** Agents that renew over and over, each owned by one client thread at a time. */
    static final int RENEWING_AGENTS = 4_096;

    @Param({"postgresql", "h2"})
    public String store;

    @Param({"1", "1000"})
    public int keys;

    LoadFixture fixture;
    private List<byte[]> enrollments = List.of();
    private List<LoadFixture.Agent> agents = List.of();
    private final AtomicInteger nextSlice = new AtomicInteger();
    private final AtomicInteger nextEnrollment = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        fixture = new LoadFixture(store, keys);
        String name = params.getBenchmark();
        if (name.contains("enew")) {
            agents = fixture.enrolledAgents(RENEWING_AGENTS);
        } else if (name.contains("nroll")) {
            enrollments = fixture.enrollBodies(ENROLLMENTS);
            try (LoadClient probe = new LoadClient(fixture.trust, fixture.base)) {
                LoadClient.Answer a = expect(probe.post("enroll", enrollments.get(nextEnrollment.getAndIncrement())), 200);
                System.out.println("one enrollment: request " + enrollments.get(0).length + " bytes, answer " + a.length() + " bytes");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        fixture.close();
    }

    /** One client: its own keep-alive TLS connection, trusting exactly the server's self-signed certificate. */
    @State(Scope.Thread)
    public static class Client {
        LoadClient connection;

        @Setup(Level.Trial)
        public void open(EndToEndBenchmark b) {
            connection = new LoadClient(b.fixture.trust, b.fixture.base);
        }

        @TearDown(Level.Trial)
        public void close() {
            connection.close();
        }
    }

    /**
     * A renewing client: its own connection and its own slice of the agents, which it renews in turn, each with the
     * credential its last renewal returned, signed just before it is sent.
     */
    @State(Scope.Thread)
    public static class Renewer {
        LoadClient connection;
        List<LoadFixture.Agent> mine;
        int next;

        @Setup(Level.Trial)
        public void open(EndToEndBenchmark b, org.openjdk.jmh.infra.ThreadParams threads) {
            connection = new LoadClient(b.fixture.trust, b.fixture.base);
            int slice = b.agents.size() / threads.getThreadCount();
            int k = b.nextSlice.getAndIncrement();
            mine = b.agents.subList(k * slice, (k + 1) * slice);
        }

        @TearDown(Level.Trial)
        public void close() {
            connection.close();
        }
    }

    /** The JDK's HttpClient, one per client thread, as an agent built on {@code EnrollmentClient} uses it. */
    @State(Scope.Thread)
    public static class JdkClient {
        HttpClient http;

        @Setup(Level.Trial)
        public void open(EndToEndBenchmark b) {
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(b.fixture.trust)
                    .connectTimeout(Duration.ofSeconds(10)).build();
        }
    }

    private static LoadClient.Answer expect(LoadClient.Answer a, int status) {
        if (a.status() != status) {
            throw new IllegalStateException("answered " + a.status() + ": " + a.bodyStart());
        }
        return a;
    }

    private byte[] nextEnrollment() {
        int i = nextEnrollment.getAndIncrement();
        if (i >= enrollments.size()) {
            throw new IllegalStateException("enrollment pool exhausted; raise ENROLLMENTS");
        }
        return enrollments.get(i);
    }

    private int enroll(Client c) throws Exception {
        return expect(c.connection.post("enroll", nextEnrollment()), 200).length();
    }

    private int renew(Renewer r) throws Exception {
        LoadFixture.Agent agent = r.mine.get(r.next++ % r.mine.size());
        LoadClient.Answer a = expect(r.connection.post("renew", agent.renewal(fixture.org.id().value())), 200);
        agent.credential = LoadFixture.credentialIn(a.body());
        return a.length();
    }

    /** A path the enrollment endpoint answers with 404 at once: HTTPS, Jetty and the client, and no work. */
    private int floor(Client c) throws Exception {
        return expect(c.connection.post("floor", FLOOR_BODY), 404).length();
    }

    private Object inProcess() {
        EnrollmentResult r = fixture.server.enroll(nextEnrollment(), fixture.server.contextFor(LOOPBACK));
        if (!(r instanceof EnrollmentResult.Enrolled)) {
            throw new IllegalStateException("refused: " + r);
        }
        return r;
    }

    @Benchmark
    @Threads(1)
    public int enroll01(Client c) throws Exception {
        return enroll(c);
    }

    @Benchmark
    @Threads(8)
    public int enroll08(Client c) throws Exception {
        return enroll(c);
    }

    @Benchmark
    @Threads(32)
    public int enroll32(Client c) throws Exception {
        return enroll(c);
    }

    @Benchmark
    @Threads(1)
    public int renew01(Renewer r) throws Exception {
        return renew(r);
    }

    @Benchmark
    @Threads(8)
    public int renew08(Renewer r) throws Exception {
        return renew(r);
    }

    @Benchmark
    @Threads(32)
    public int renew32(Renewer r) throws Exception {
        return renew(r);
    }

    @Benchmark
    @Threads(1)
    public int wireFloor01(Client c) throws Exception {
        return floor(c);
    }

    @Benchmark
    @Threads(8)
    public int wireFloor08(Client c) throws Exception {
        return floor(c);
    }

    @Benchmark
    @Threads(32)
    public int wireFloor32(Client c) throws Exception {
        return floor(c);
    }

    @Benchmark
    @Threads(1)
    public Object inProcessEnroll01() {
        return inProcess();
    }

    @Benchmark
    @Threads(8)
    public Object inProcessEnroll08() {
        return inProcess();
    }

    @Benchmark
    @Threads(8)
    public int jdkClientEnroll08(JdkClient c) throws Exception {
        HttpResponse<byte[]> r = c.http.send(HttpRequest.newBuilder(fixture.base.resolve("enroll")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(nextEnrollment())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("answered " + r.statusCode());
        }
        return r.body().length;
    }
}
