package com.heartbeatrm.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The reference server against slow, greedy and malformed clients, on real loopback sockets. */
@DisplayName("the reference server's edge")
class ReferenceServerTest {
    private HeartbeatServer hb;
    private ReferenceServer server;
    private EnrollmentToken token;
    private URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        hb = TestServers.heartbeat(new InMemoryHeartbeatStore());
        server = TestServers.builder(hb).build().start();
        base = URI.create("http://127.0.0.1:" + server.port() + "/");
        NewOrganization org = hb.admin().organizations().setUp(Actor.of("alice"), "Acme");
        token = hb.installers().issueToken(Actor.of("alice"), org.id(), org.defaultKey().id(),
                InstallerRequest.builder().endpoints(List.of(base.resolve("v1/"))).build()).token();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private byte[] enrollBody(String host) {
        return EnrollmentRequest.create(token, AgentKeyPair.generate(), new AgentFacts(host, "linux", "6.1", "1.0", Optional.empty()),
                Clock.systemUTC()).toJson();
    }

    /** One enrollment from 127.0.0.1; returns how long it took, in milliseconds. */
    private long timedEnrollment(String host) throws Exception {
        byte[] body = enrollBody(host);
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("v1/enroll")).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ms;
    }

    private Socket connectFrom(String local) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
        s.setSoTimeout(30_000);
        return s;
    }

    // The trickle ends with its executor's shutdownNow at the end of the test.
    @SuppressWarnings("FutureReturnValueIgnored")
    @Test
    @DisplayName("200 connections trickling a byte every 5 s delay a normal enrollment by less than 1 s; trickled headers are cut at the deadline")
    void slowClients() throws Exception {
        long baseline = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            baseline = Math.min(baseline, timedEnrollment("warm-" + i));
        }
        List<Socket> slow = new ArrayList<>();
        List<Socket> headerTricklers = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 200; i++) {
                // Eight source addresses of 127.0.0.0/8, 25 each: under the per-source bound, so every one is accepted.
                Socket s = connectFrom("127.0.0." + (2 + i % 8));
                OutputStream out = s.getOutputStream();
                if (i % 2 == 0) {
                    out.write("POST /v1/renew HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{".getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write("POST /v1/enroll HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
                    headerTricklers.add(s);
                }
                out.flush();
                slow.add(s);
            }
            long opened = System.nanoTime();
            trickle.scheduleAtFixedRate(() -> {
                for (Socket s : slow) {
                    try {
                        s.getOutputStream().write('a');
                        s.getOutputStream().flush();
                    } catch (IOException closed) {
                        // cut by the server: that is the point
                    }
                }
            }, 5, 5, TimeUnit.SECONDS);
            Thread.sleep(500);
            List<Long> under = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                under.add(timedEnrollment("during-" + i));
                Thread.sleep(1_000);
            }
            long worst = under.stream().mapToLong(Long::longValue).max().orElseThrow();
            assertThat(worst - baseline).as("baseline %d ms, under attack %s ms", baseline, under).isLessThan(1_000);
            // The admin API and the console answer too.
            HttpResponse<String> console = http.send(HttpRequest.newBuilder(base).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(console.statusCode()).isEqualTo(200);
            // Past the header deadline, a connection still sending its headers is closed by the server.
            long cutBy = opened + TimeUnit.SECONDS.toNanos(ReferenceServer.HEADER_SECONDS + 2);
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(cutBy - System.nanoTime())));
            for (Socket s : headerTricklers.subList(0, 10)) {
                assertThat(readsToEnd(s)).as("closed by the server").isTrue();
            }
        } finally {
            trickle.shutdownNow();
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    /** True when the peer closed the connection (after whatever it sent); false on a read timeout. */
    private static boolean readsToEnd(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        try (InputStream in = s.getInputStream()) {
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // drain an error answer, if any
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    @DisplayName("connections beyond the per-source bound are closed at once; another source is still served")
    void perSourceBound() throws Exception {
        List<java.nio.channels.SocketChannel> greedy = new ArrayList<>();
        int limit = ReferenceServer.Limits.DEFAULTS.perSource();
        try {
            for (int i = 0; i < limit + 6; i++) {
                java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open();
                c.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0));
                c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
                greedy.add(c);
            }
            // Whichever the server accepted last: exactly six are closed by it, the rest stay open.
            int closed = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                closed = 0;
                for (java.nio.channels.SocketChannel c : greedy) {
                    c.configureBlocking(false);
                    try {
                        closed += c.read(java.nio.ByteBuffer.allocate(1)) < 0 ? 1 : 0;
                    } catch (IOException reset) {
                        closed++;
                    }
                }
                if (closed >= 6) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(closed).isEqualTo(6);
            timedEnrollment("other-source");
        } finally {
            for (java.nio.channels.SocketChannel c : greedy) {
                c.close();
            }
        }
    }

    @Test
    @DisplayName("no per-request stall: 40 enrollments on one keep-alive connection take far less than 40 ms each (TCP_NODELAY)")
    void noDelayedAckStall() throws Exception {
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 41; i++) {
            bodies.add(enrollBody("pc-" + i));
        }
        timedEnrollment("warm-up");
        long[] ms = new long[40];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("v1/enroll")).POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).isEqualTo(200);
        }
        long[] sorted = ms.clone();
        Arrays.sort(sorted);
        // A delayed-ACK stall adds about 40 ms to every exchange; without it an enrollment takes a few.
        assertThat(sorted[sorted.length / 2]).as("median of %s ms", Arrays.toString(ms)).isLessThan(30);
    }

    private String raw(String request) throws IOException {
        try (Socket s = connectFrom("127.0.0.1")) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    @DisplayName("malformed URLs and headers get a JSON 4xx naming the part, never an HTML page")
    void jsonErrors() throws Exception {
        String badEscape = raw("GET /api/keys/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(badEscape).startsWith("HTTP/1.1 400").contains("application/json").contains("\"field\":\"").doesNotContain("<html");
        String hugeHeader = raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(40_000) + "\r\nConnection: close\r\n\r\n");
        assertThat(hugeHeader).startsWith("HTTP/1.1 431").contains("\"field\":\"headers\"").doesNotContain("<html");
        String badEnrollPath = raw("GET /v1/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(badEnrollPath).startsWith("HTTP/1.1 4").contains("application/json").doesNotContain("<html");
    }

    @Test
    @DisplayName("a control character in a path never makes a log line of its own")
    void logLinesAreEscaped() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            raw("GET /v1/x%0aINFO%20forged%20line HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            raw("GET /api/x%0d%0aINFO%20forged%20line HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            Thread.sleep(200);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        for (String line : log.split("\n")) {
            assertThat(line).doesNotStartWith("INFO forged");
        }
    }
}
