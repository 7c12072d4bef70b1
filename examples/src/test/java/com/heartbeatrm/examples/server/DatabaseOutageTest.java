package com.heartbeatrm.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.enrollment.HeartbeatServer;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away while the server runs: a TCP relay between the server's pool and the real database is cut,
 * then restored. Requests answer 503 within 2 s meanwhile, and service resumes without a restart.
 */
@DisplayName("a database outage")
class DatabaseOutageTest {
    static final String PG = System.getProperty("heartbeat.test.postgres.host", "127.0.0.1");

    /** Relays loopback connections to PostgreSQL; {@link #cut()} drops every connection and refuses new ones. */
    static final class Relay implements AutoCloseable {
        private final int target;
        private volatile ServerSocket listener;
        private final int port;
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        Relay(int target) throws IOException {
            this.target = target;
            ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.port = s.getLocalPort();
            listen(s);
        }

        private void listen(ServerSocket s) {
            listener = s;
            Thread t = new Thread(() -> {
                while (!s.isClosed()) {
                    try {
                        Socket client = s.accept();
                        Socket upstream = new Socket(PG, target);
                        open.add(client);
                        open.add(upstream);
                        pump(client, upstream);
                        pump(upstream, client);
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "relay-accept");
            t.setDaemon(true);
            t.start();
        }

        private void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException ignored) {
                    // the other side closed
                } finally {
                    try {
                        to.close();
                        from.close();
                    } catch (IOException ignored) {
                        // closing
                    }
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return port;
        }

        void cut() throws IOException {
            listener.close();
            for (Socket s : open) {
                s.close();
            }
            open.clear();
        }

        void restore() throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            listen(s);
        }

        @Override
        public void close() throws IOException {
            cut();
        }
    }

    @Test
    @DisplayName("503 within 2 s while PostgreSQL is unreachable; enrollments succeed again once it is back, without a restart")
    void outageAndRecovery() throws Exception {
        String admin = "jdbc:postgresql://" + PG + ":5432/test";
        try (Connection c = DriverManager.getConnection(admin, "postgres", "")) {
            c.isValid(2);
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("PostgreSQL is not reachable at " + admin + " and CI=true requires it", e);
            }
            Assumptions.abort("PostgreSQL is not reachable at " + admin + ": start it (pg_ctlcluster ... main start) to run this test");
        }
        String schema = "hbout_" + ProcessHandle.current().pid() + "_" + Long.toHexString(System.nanoTime() & 0xffffff);
        exec(admin, "CREATE SCHEMA " + schema);
        try (Relay relay = new Relay(5432)) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + relay.port() + "/test?currentSchema=" + schema + "&connectTimeout=2&socketTimeout=10");
            config.setUsername("postgres");
            config.setMaximumPoolSize(4);
            config.setConnectionTimeout(1500);
            config.setValidationTimeout(1000);
            try (HikariDataSource ds = new HikariDataSource(config)) {
                JdbcHeartbeatStore store = JdbcHeartbeatStore.create(ds);
                store.migrate();
                HeartbeatServer hb = TestServers.heartbeat(store);
                try (ReferenceServer server = TestServers.builder(hb).build().start()) {
                    URI base = URI.create("http://127.0.0.1:" + server.port() + "/v1/");
                    NewOrganization org = hb.admin().organizations().setUp(Actor.of("alice"), "Acme");
                    EnrollmentToken token = hb.installers().issueToken(Actor.of("alice"), org.id(), org.defaultKey().id(),
                            InstallerRequest.builder().endpoints(List.of(base)).build()).token();
                    HttpClient http = HttpClient.newHttpClient();
                    assertThat(enroll(http, base, token, "before").statusCode()).isEqualTo(200);

                    relay.cut();
                    for (int i = 0; i < 3; i++) {
                        long t0 = System.nanoTime();
                        HttpResponse<String> down = enroll(http, base, token, "during-" + i);
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
                        assertThat(down.headers().firstValue("Retry-After")).isPresent();
                        assertThat(ms).as("answered in %d ms", ms).isLessThan(2_000);
                    }

                    relay.restore();
                    int status = 0;
                    for (int i = 0; i < 40 && status != 200; i++) {
                        status = enroll(http, base, token, "after-" + i).statusCode();
                        if (status != 200) {
                            Thread.sleep(250);
                        }
                    }
                    assertThat(status).as("service resumed").isEqualTo(200);
                }
            }
        } finally {
            exec(admin, "DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static HttpResponse<String> enroll(HttpClient http, URI base, EnrollmentToken token, String host) throws Exception {
        byte[] body = EnrollmentRequest.create(token, AgentKeyPair.generate(), new AgentFacts(host, "linux", "6.1", "1.0", Optional.empty()),
                Clock.systemUTC()).toJson();
        return http.send(HttpRequest.newBuilder(base.resolve("enroll")).timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void exec(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
