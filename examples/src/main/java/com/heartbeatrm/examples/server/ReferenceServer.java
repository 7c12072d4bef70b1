package com.heartbeatrm.examples.server;

import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.enrollment.EndpointRequest;
import com.heartbeatrm.enrollment.EndpointResponse;
import com.heartbeatrm.enrollment.EnrollmentEndpoint;
import com.heartbeatrm.enrollment.admin.AdminEndpoint;
import com.heartbeatrm.enrollment.admin.AdminRequest;
import com.heartbeatrm.enrollment.admin.AdminResponse;
import com.heartbeatrm.examples.tls.ServerTls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference server: the enrollment protocol under {@code /v1/}, the admin JSON API under {@code /api/} and the
 * web console at {@code /}, over HTTPS (or plain HTTP where the CLI allows it), on Jetty 12.
 *
 * <h2>Why Jetty, and what it is given</h2>
 * The JDK's {@code HttpServer} has no read timeout and a fixed pool: eight connections that send one byte and
 * stall stop it. Jetty reads requests without holding a thread (so stalled clients cost a socket, not a worker),
 * and has real idle timeouts and a minimum request data rate; Undertow would do as well, but Jetty 12 is the
 * better-kept of the two and is what the servlet binding is tested on. On top of Jetty this server adds:
 * <ul>
 * <li>enrollment bodies read asynchronously, up to the protocol's limit, then handled on a worker;</li>
 * <li>an idle timeout (no byte either way for {@value #IDLE_SECONDS} s), a header deadline (a connection that is
 * not in a request for {@value #HEADER_SECONDS} s is closed, so trickled headers cannot hold it), a total request
 * timeout ({@value #REQUEST_SECONDS} s for enrollment, the console and JSON calls; longer for installer uploads),
 * and a minimum request data rate;</li>
 * <li>at most {@link Limits#perSource} connections from one address and {@link Limits#total} in all;</li>
 * <li>TCP_NODELAY on every accepted socket, so small answers are not held back by delayed ACKs;</li>
 * <li>JSON for every error, Jetty's own (a malformed URL or header) included; log lines with control characters
 * escaped;</li>
 * <li>the TLS key reloaded when {@code tls rotate} replaced it on disk;</li>
 * <li>a line per request only when asked ({@link Builder#requestLog}), written by a thread of its own.</li>
 * </ul>
 */
public final class ReferenceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceServer.class);
    static final int IDLE_SECONDS = 30;
    static final int HEADER_SECONDS = 10;
    static final int REQUEST_SECONDS = 30;
    static final int UPLOAD_SECONDS = 600;

    /** Connection limits. */
    public record Limits(int perSource, int total, int threads) {
        public static final Limits DEFAULTS = new Limits(64, 4096, 200);
    }

    private final Server jetty;
    private final ServerConnector connector;
    private final Optional<SslContextFactory.Server> ssl;
    private final Guard guard;
    private final String scheme;
    private final Optional<RequestLog> requestLog;

    // Jetty 12.1 marks ConnectionLimit and setMinRequestDataRate for removal in 13; the server keeps them until it
    // moves to Jetty 13, so that this build-gates change leaves its behaviour as it was.
    @SuppressWarnings("removal")
    private ReferenceServer(Builder b) {
        requestLog = Optional.ofNullable(b.requestLogSink).map(RequestLog::new);
        QueuedThreadPool threads = new QueuedThreadPool(b.limits.threads(), Math.min(8, b.limits.threads()));
        threads.setName("heartbeat-http");
        jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        http.setIdleTimeout(TimeUnit.SECONDS.toMillis(IDLE_SECONDS));
        http.setMinRequestDataRate(256);
        http.setRequestHeaderSize(16 * 1024);
        // Group paths may travel as one %2F-encoded segment: routing happens on the raw path.
        http.setUriCompliance(UriCompliance.DEFAULT.with("heartbeat", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
                UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        if (b.tls != null) {
            SslContextFactory.Server f = new SslContextFactory.Server();
            char[] password = randomPassword();
            f.setKeyStore(b.tls.keyStore(password));
            f.setKeyStorePassword(new String(password));
            f.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            f.setSniRequired(false);
            SecureRequestCustomizer src = new SecureRequestCustomizer();
            src.setSniHostCheck(false);
            src.setStsMaxAge(Duration.ofDays(180).toSeconds());
            http.addCustomizer(src);
            connector = new ServerConnector(jetty, new SslConnectionFactory(f, h1.getProtocol()), h1);
            ssl = Optional.of(f);
            scheme = "https";
        } else {
            connector = new ServerConnector(jetty, h1);
            ssl = Optional.empty();
            scheme = "http";
        }
        connector.setHost(b.bind.getAddress().getHostAddress());
        connector.setPort(b.bind.getPort());
        connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(IDLE_SECONDS));
        connector.setAcceptedTcpNoDelay(true);
        connector.setAcceptQueueSize(256);
        guard = new Guard(b.limits.perSource(), b.headerDeadline);
        connector.addBean(guard);
        jetty.addConnector(connector);
        jetty.addBean(new ConnectionLimit(b.limits.total(), connector));
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.setHandler(new Routes(b.enrollment, b.admin, b.console, guard, requestLog));
        jetty.setStopTimeout(2_000);
        this.tlsDataDir = b.tlsDataDir;
    }

    private final Path tlsDataDir;

    public static Builder builder(EnrollmentEndpoint enrollment, InetSocketAddress bind) {
        return new Builder(enrollment, bind);
    }

    public static final class Builder {
        private final EnrollmentEndpoint enrollment;
        private final InetSocketAddress bind;
        private AdminEndpoint admin;
        private ConsoleAssets console;
        private ServerTls tls;
        private Path tlsDataDir;
        private Limits limits = Limits.DEFAULTS;
        private Duration headerDeadline = Duration.ofSeconds(HEADER_SECONDS);
        private java.util.function.Consumer<String> requestLogSink;

        private Builder(EnrollmentEndpoint enrollment, InetSocketAddress bind) {
            this.enrollment = Objects.requireNonNull(enrollment, "enrollment");
            this.bind = Objects.requireNonNull(bind, "bind");
        }

        /** The admin API under {@code /api/} and the web console at {@code /}. */
        public Builder admin(AdminEndpoint endpoint) {
            this.admin = Objects.requireNonNull(endpoint, "endpoint");
            this.console = new ConsoleAssets();
            return this;
        }

        /** HTTPS with this identity; {@code dataDir} is watched for {@code tls rotate}. */
        public Builder tls(ServerTls identity, Path dataDir) {
            this.tls = Objects.requireNonNull(identity, "identity");
            this.tlsDataDir = dataDir;
            return this;
        }

        public Builder limits(Limits l) {
            this.limits = Objects.requireNonNull(l, "limits");
            return this;
        }

        /**
         * A line per request (method, path, status, milliseconds) through slf4j at INFO, formatted and written by a
         * thread of its own; off by default.
         */
        public Builder requestLog(boolean on) {
            this.requestLogSink = on ? RequestLog.slf4j() : null;
            return this;
        }

        /** For tests: request lines to {@code sink}, on the log's own thread. */
        Builder requestLog(java.util.function.Consumer<String> sink) {
            this.requestLogSink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** For tests: a shorter header deadline than {@value #HEADER_SECONDS} s. */
        Builder headerDeadline(Duration d) {
            this.headerDeadline = Objects.requireNonNull(d, "d");
            return this;
        }

        public ReferenceServer build() {
            return new ReferenceServer(this);
        }
    }

    public ReferenceServer start() throws Exception {
        jetty.start();
        Scheduler scheduler = connector.getScheduler();
        scheduleSweep(scheduler);
        if (ssl.isPresent() && tlsDataDir != null) {
            scheduleTlsReload(scheduler, lastModified());
        }
        return this;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String scheme() {
        return scheme;
    }

    /** Connections open now, for tests. */
    int openConnections() {
        return guard.open.size();
    }

    private void scheduleSweep(Scheduler scheduler) {
        scheduler.schedule(() -> {
            if (jetty.isRunning()) {
                guard.sweep(System.nanoTime());
                scheduleSweep(scheduler);
            }
        }, 500, TimeUnit.MILLISECONDS);
    }

    private long lastModified() {
        try {
            return Files.getLastModifiedTime(tlsDataDir.resolve("tls").resolve("server.crt")).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private void scheduleTlsReload(Scheduler scheduler, long seen) {
        scheduler.schedule(() -> {
            if (!jetty.isRunning()) {
                return;
            }
            long now = lastModified();
            long next = seen;
            if (now != seen) {
                try {
                    ServerTls fresh = ServerTls.load(tlsDataDir);
                    char[] password = randomPassword();
                    ssl.get().reload(f -> {
                        f.setKeyStore(fresh.keyStore(password));
                        f.setKeyStorePassword(new String(password));
                    });
                    next = now;
                    LOG.info("TLS key reloaded: now serving pin {}", fresh.currentPin());
                } catch (Exception e) {
                    LOG.warn("TLS key not reloaded: {}", e.getClass().getSimpleName());
                }
            }
            scheduleTlsReload(scheduler, next);
        }, 2, TimeUnit.SECONDS);
    }

    private static char[] randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).toCharArray();
    }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.debug("stopping: {}", e.getClass().getSimpleName());
        }
        requestLog.ifPresent(RequestLog::close);
    }

    // ------------------------------------------------------------------------------------------- connections

    /**
     * Tracks every connection: its source (for the per-source bound), whether it is in a request and since when, so
     * that {@link #sweep} can close one that stalls outside a request (trickled headers) or inside one for too long.
     *
     * <p>It tracks the HTTP connection, the one a request names. Over TLS, Jetty opens two connections per socket,
     * the TLS one below the HTTP one, and tells this listener about both; the TLS one is skipped, or a socket would
     * count twice against its source and its TLS half, never in a request, would be cut at the header deadline in
     * the middle of a busy keep-alive connection. Closing the HTTP connection's end point closes the socket below.
     */
    static final class Guard implements Connection.Listener {
        static final class State {
            final InetAddress source;
            volatile long since = System.nanoTime();
            volatile long deadlineNanos;
            volatile boolean inRequest;

            State(InetAddress source, long deadlineNanos) {
                this.source = source;
                this.deadlineNanos = deadlineNanos;
            }
        }

        final Map<Connection, State> open = new ConcurrentHashMap<>();
        private final Map<InetAddress, AtomicInteger> perSource = new ConcurrentHashMap<>();
        private final int maxPerSource;
        private final long headerNanos;

        Guard(int maxPerSource, Duration headerDeadline) {
            this.maxPerSource = maxPerSource;
            this.headerNanos = headerDeadline.toNanos();
        }

        @Override
        public void onOpened(Connection c) {
            if (c instanceof SslConnection) {
                return;
            }
            SocketAddress remote = c.getEndPoint().getRemoteSocketAddress();
            InetAddress source = remote instanceof InetSocketAddress isa ? isa.getAddress() : InetAddress.getLoopbackAddress();
            int n = perSource.computeIfAbsent(source, s -> new AtomicInteger()).incrementAndGet();
            open.put(c, new State(source, headerNanos));
            if (n > maxPerSource) {
                LOG.debug("refused a connection over the per-source limit");
                c.getEndPoint().close();
            }
        }

        @Override
        public void onClosed(Connection c) {
            State s = open.remove(c);
            if (s != null) {
                perSource.computeIfPresent(s.source, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
            }
        }

        void begin(Request r, int timeoutSeconds) {
            State s = open.get(r.getConnectionMetaData().getConnection());
            if (s != null) {
                s.inRequest = true;
                s.since = System.nanoTime();
                s.deadlineNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
            }
        }

        void end(Request r) {
            State s = open.get(r.getConnectionMetaData().getConnection());
            if (s != null) {
                s.inRequest = false;
                s.since = System.nanoTime();
                s.deadlineNanos = headerNanos;
            }
        }

        void sweep(long now) {
            for (Map.Entry<Connection, State> e : open.entrySet()) {
                State s = e.getValue();
                if (now - s.since > s.deadlineNanos) {
                    e.getKey().getEndPoint().close();
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ routes

    /** Routes by path prefix: {@code /v1/} enrollment, {@code /api/} admin, everything else the console (or 404). */
    static final class Routes extends Handler.Abstract {
        private final EnrollmentEndpoint enrollment;
        private final AdminEndpoint admin;
        private final ConsoleAssets console;
        private final Guard guard;
        private final Optional<RequestLog> requestLog;

        Routes(EnrollmentEndpoint enrollment, AdminEndpoint admin, ConsoleAssets console, Guard guard, Optional<RequestLog> requestLog) {
            this.enrollment = enrollment;
            this.admin = admin;
            this.console = console;
            this.guard = guard;
            this.requestLog = requestLog;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            long t0 = System.nanoTime();
            String path = request.getHttpURI().getPath();
            boolean upload = admin != null && path.startsWith("/api/") && path.endsWith("/installer") && "POST".equals(request.getMethod());
            guard.begin(request, upload ? UPLOAD_SECONDS : REQUEST_SECONDS);
            Callback done = Callback.from(() -> {
                guard.end(request);
                log(request, response, t0);
                callback.succeeded();
            }, x -> {
                guard.end(request);
                log(request, response, t0);
                callback.failed(x);
            });
            if (path.startsWith("/v1/")) {
                enroll(request, response, done, path.substring(4));
            } else if (admin != null && (path.startsWith("/api/") || path.equals("/api"))) {
                admin(request, response, done, path.substring(4));
            } else if (console != null) {
                console.handle(request, response, done);
            } else {
                Bodies.json(response, 404, "{\"error\":\"no such endpoint\",\"field\":\"path\"}", done);
            }
            return true;
        }

        // asByteArrayAsync and getThreadPool are marked for removal in Jetty 13; kept until that move (see the constructor).
        // The whenComplete stage needs no handle: answerEnrollment reads the body's own outcome, failure included.
        @SuppressWarnings({"removal", "FutureReturnValueIgnored"})
        private void enroll(Request request, Response response, Callback done, String subPath) {
            long declared = request.getLength();
            if (declared > EnrollmentProtocol.MAX_BODY_BYTES) {
                write(response, enrollment.refuseOversized(), done);
                return;
            }
            InetAddress from = remote(request);
            String method = request.getMethod();
            // No thread waits for the body: it is gathered as it arrives, then the work runs on a worker. A body that
            // came with the headers (the usual case) is complete at once, and is handled on this worker without a hop.
            CompletableFuture<byte[]> gathered = Content.Source.asByteArrayAsync(request, EnrollmentProtocol.MAX_BODY_BYTES + 1);
            if (gathered.isDone()) {
                answerEnrollment(gathered, response, done, method, subPath, from);
            } else {
                gathered.whenComplete((body, failure) -> request.getComponents().getThreadPool().execute(() ->
                        answerEnrollment(gathered, response, done, method, subPath, from)));
            }
        }

        private void answerEnrollment(CompletableFuture<byte[]> gathered, Response response, Callback done, String method, String subPath,
                InetAddress from) {
            try {
                byte[] body;
                try {
                    body = gathered.join();
                } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException tooLargeOrBroken) {
                    write(response, enrollment.refuseOversized(), done);
                    return;
                }
                write(response, enrollment.handle(new EndpointRequest(method, subPath, body, from)), done);
            } catch (RuntimeException e) {
                done.failed(e);
            }
        }

        private static InetAddress remote(Request request) {
            SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
            return a instanceof InetSocketAddress isa && isa.getAddress() != null ? isa.getAddress() : InetAddress.getLoopbackAddress();
        }

        private static void write(Response response, EndpointResponse answer, Callback done) {
            response.setStatus(answer.status());
            answer.headers().forEach((k, v) -> response.getHeaders().put(k, v));
            byte[] body = answer.bodyUnsafe();
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), done);
        }

        /** The admin API blocks a worker (uploads are streamed); it authenticates before it reads a byte of a body. */
        private void admin(Request request, Response response, Callback done, String subPath) {
            long length = request.getLength();
            AdminRequest r = new AdminRequest(request.getMethod(), subPath, Optional.ofNullable(request.getHttpURI().getQuery()), remote(request),
                    Optional.ofNullable(request.getHeaders().get(HttpHeader.AUTHORIZATION)), Optional.empty(),
                    length >= 0 ? OptionalLong.of(length) : OptionalLong.empty(), () -> Content.Source.asInputStream(request));
            try (AdminResponse answer = admin.handle(r)) {
                response.setStatus(answer.status());
                ConsoleAssets.securityHeaders(response);
                answer.headers().forEach((k, v) -> response.getHeaders().put(k, v));
                if (!answer.headers().containsKey("Content-Length")) {
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.contentLength());
                }
                try (OutputStream out = Content.Sink.asOutputStream(response)) {
                    answer.writeBody(out);
                }
                done.succeeded();
            } catch (IOException | RuntimeException e) {
                done.failed(e);
            }
        }

        private void log(Request request, Response response, long t0) {
            if (requestLog.isPresent()) {
                requestLog.get().offer(request.getMethod(), request.getHttpURI().getPath(), response.getStatus(), System.nanoTime() - t0);
            }
        }
    }

    /** Text from a request, fit for a log line: control characters escaped, length bounded. */
    static String printable(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 300));
        for (int i = 0; i < s.length() && b.length() < 300; i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0) || ch == 0x2028 || ch == 0x2029) {
                b.append(String.format("\\x%02x", (int) ch & 0xff));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    /** Small helpers for writing bodies. */
    static final class Bodies {
        private Bodies() {
        }

        static void json(Response response, int status, String json, Callback done) {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, b.length);
            response.write(true, ByteBuffer.wrap(b), done);
        }
    }
}
