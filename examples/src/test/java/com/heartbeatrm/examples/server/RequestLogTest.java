package com.heartbeatrm.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-request log: off unless asked, written by its own thread, never blocking a request. */
@DisplayName("the reference server's request log")
class RequestLogTest {
    private record Line(String thread, String text) {
    }

    private static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void await(List<Line> lines, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (lines.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    @DisplayName("when asked, a line per request is written by the log's thread, not the request's")
    void linesOffTheRequestThread() throws Exception {
        List<Line> lines = new CopyOnWriteArrayList<>();
        try (ReferenceServer server = TestServers.builder(TestServers.heartbeat(new InMemoryHeartbeatStore()))
                .requestLog(text -> lines.add(new Line(Thread.currentThread().getName(), text))).build().start()) {
            String answer = raw(server.port(), "POST /v1/nothing HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            assertThat(answer).startsWith("HTTP/1.1 404");
            await(lines, 1);
        }
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).text()).matches("POST /v1/nothing 404 \\d+ ms");
        assertThat(lines.get(0).thread()).isEqualTo("heartbeat-request-log");
    }

    @Test
    @DisplayName("a control character in a method or path never makes a log line of its own")
    void escaped() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (RequestLog log = new RequestLog(lines::add)) {
            log.offer("GET", "/v1/x\nINFO forged line\r\u2028", 404, 0);
            log.offer("GE\u0085T", "/v1/y", 404, 0);
        }
        assertThat(lines).containsExactly("GET /v1/x\\x0aINFO forged line\\x0d\\x28 404 0 ms", "GE\\x85T /v1/y 404 0 ms");
    }

    @Test
    @DisplayName("a writer that is stuck drops lines, and counts them, rather than hold a request")
    void stuckWriterDropsInsteadOfBlocking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> written = new CopyOnWriteArrayList<>();
        try (RequestLog log = new RequestLog(text -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.add(text);
        })) {
            long t0 = System.nanoTime();
            for (int i = 0; i < RequestLog.CAPACITY + 100; i++) {
                log.offer("POST", "/v1/enroll", 200, 1_000_000);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(log.dropped()).isGreaterThanOrEqualTo(99);
            release.countDown();
            log.offer("POST", "/v1/renew", 200, 1_000_000);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (written.stream().noneMatch(l -> l.startsWith("POST /v1/renew")) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(written).anySatisfy(l -> assertThat(l).contains("earlier lines dropped"));
    }
}
