package com.heartbeatrm.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.examples.tls.ServerTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection guard over HTTPS, where Jetty opens a TLS connection and an HTTP connection for each socket: a
 * busy keep-alive connection outlives the header deadline, an idle one does not, and a socket counts once against
 * its source. Raw TLS sockets on loopback, so that a reconnect cannot hide behind a client's connection pool.
 */
@DisplayName("the reference server's connection guard over HTTPS")
class ReferenceServerTlsTest {
    private static final Duration HEADER_DEADLINE = Duration.ofSeconds(1);
    private static final int PER_SOURCE = 4;

    @TempDir
    Path dir;
    private ReferenceServer server;
    private SSLContext trust;

    @BeforeEach
    void start() throws Exception {
        ServerTls tls = ServerTls.create(dir, Optional.empty(), Optional.empty(), List.of("127.0.0.1"));
        server = TestServers.builder(TestServers.heartbeat(new InMemoryHeartbeatStore())).tls(tls, dir)
                .limits(new ReferenceServer.Limits(PER_SOURCE, 100, 50)).headerDeadline(HEADER_DEADLINE).build().start();
        trust = tls.clientTrust();
    }

    @AfterEach
    void stop() {
        server.close();
        assertThat(Files.exists(dir)).isTrue();
    }

    private SSLSocket connect(String from) throws IOException {
        SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), 5_000);
        s.setSoTimeout(5_000);
        s.startHandshake();
        return s;
    }

    /** One request on the socket; the status line of its answer, after reading exactly its body. */
    private static String exchange(SSLSocket s) throws IOException {
        s.getOutputStream().write("GET /v1/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed by the server after " + head.size() + " bytes");
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        assertThat(in.readNBytes(length)).hasSize(length);
        return headers.substring(0, headers.indexOf("\r\n"));
    }

    @Test
    @DisplayName("a keep-alive HTTPS connection in use for 3× the header deadline is never cut")
    void busyConnectionSurvives() throws Exception {
        try (SSLSocket s = connect("127.0.0.1")) {
            long end = System.nanoTime() + HEADER_DEADLINE.multipliedBy(3).toNanos();
            int requests = 0;
            while (System.nanoTime() < end) {
                assertThat(exchange(s)).as("request %d on the same socket", requests).startsWith("HTTP/1.1 404");
                requests++;
                Thread.sleep(200);
            }
            assertThat(requests).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    @DisplayName("an HTTPS connection that sends no request is closed at the header deadline")
    void idleConnectionIsCut() throws Exception {
        try (SSLSocket s = connect("127.0.0.1")) {
            assertThat(exchange(s)).startsWith("HTTP/1.1 404");
            Thread.sleep(HEADER_DEADLINE.toMillis() + 1_500);
            assertThatThrownBy(() -> exchange(s)).isInstanceOf(IOException.class);
        }
    }

    @Test
    @DisplayName("each HTTPS socket counts once against its source: the bound's worth all work, one more is closed")
    void perSourceCountsSocketsOnce() throws Exception {
        List<SSLSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < PER_SOURCE; i++) {
                sockets.add(connect("127.0.0.7"));
            }
            for (SSLSocket s : sockets) {
                assertThat(exchange(s)).startsWith("HTTP/1.1 404");
            }
            assertThatThrownBy(() -> {
                try (SSLSocket extra = connect("127.0.0.7")) {
                    exchange(extra);
                }
            }).isInstanceOf(IOException.class);
            try (SSLSocket other = connect("127.0.0.8")) {
                assertThat(exchange(other)).startsWith("HTTP/1.1 404");
            }
        } finally {
            for (SSLSocket s : sockets) {
                s.close();
            }
        }
    }
}
