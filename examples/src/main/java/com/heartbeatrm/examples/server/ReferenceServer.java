package com.heartbeatrm.examples.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.StoreException;
import com.heartbeatrm.enrollment.DenialReason;
import com.heartbeatrm.enrollment.EnrollmentResult;
import com.heartbeatrm.enrollment.EnrollmentService;
import com.heartbeatrm.enrollment.RenewalResult;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference HTTP binding of the enrollment service: {@code POST /v1/enroll} and {@code POST /v1/renew}, JSON
 * in and out; with {@link #withAdminApi}, also the admin JSON API under {@code /api} and the web console at {@code /}. Bodies are read up to 64 KiB; every outcome is a JSON answer (4xx for refusals, 503 when the store
 * is unavailable), never a stack trace. One log line per request, without bodies or credentials.
 */
public final class ReferenceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceServer.class);
    private static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final EnrollmentService enrollment;
    private final HeartbeatAdmin admin;

    public ReferenceServer(EnrollmentService enrollment, HeartbeatAdmin admin, InetSocketAddress bind) throws IOException {
        this.enrollment = enrollment;
        this.admin = admin;
        this.server = HttpServer.create(bind, 64);
        server.createContext("/v1/enroll", ex -> handle(ex, true));
        server.createContext("/v1/renew", ex -> handle(ex, false));
        server.setExecutor(executor);
    }

    /**
     * The server with the admin JSON API under {@code /api}, behind {@code adminToken}, and the web console (static
     * files that call that API) at {@code /}.
     */
    public static ReferenceServer withAdminApi(com.heartbeatrm.examples.Deployment d, String adminToken, InetSocketAddress bind) throws IOException {
        ReferenceServer s = new ReferenceServer(d.enrollment(), d.admin, bind);
        AdminApi api = new AdminApi(d, adminToken);
        s.server.createContext("/api/", ex -> {
            long t0 = System.nanoTime();
            int status;
            try {
                status = api.handle(ex);
            } finally {
                ex.close();
            }
            LOG.info("{} {} {} {} ms", ex.getRequestMethod(), ex.getRequestURI().getPath(), status, (System.nanoTime() - t0) / 1_000_000);
        });
        ConsoleAssets console = new ConsoleAssets();
        s.server.createContext("/", ex -> {
            try {
                console.handle(ex);
            } finally {
                ex.close();
            }
        });
        return s;
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex, boolean enroll) throws IOException {
        long t0 = System.nanoTime();
        int status;
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            if (!"POST".equals(ex.getRequestMethod())) {
                status = 405;
                body.put("status", "error");
                body.put("message", "use POST");
            } else {
                byte[] request = readBounded(ex.getRequestBody());
                if (request == null) {
                    status = 413;
                    body.put("status", "denied");
                    body.put("message", DenialReason.OVERSIZED.publicMessage());
                } else if (enroll) {
                    status = answer(enrollment.enroll(request, enrollment.contextFor(ex.getRemoteAddress().getAddress())), body);
                } else {
                    status = answer(enrollment.renew(request, enrollment.contextFor(ex.getRemoteAddress().getAddress())), body);
                }
            }
        } catch (StoreException e) {
            status = 503;
            body.clear();
            body.put("status", "error");
            body.put("message", "temporarily unavailable; try again");
        } catch (RuntimeException e) {
            LOG.warn("unexpected error on {}: {}", ex.getRequestURI().getPath(), e.getClass().getSimpleName());
            status = 500;
            body.clear();
            body.put("status", "error");
            body.put("message", "internal error");
        }
        byte[] out = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
        LOG.info("{} {} {} {} ms", ex.getRequestMethod(), ex.getRequestURI().getPath(), status, (System.nanoTime() - t0) / 1_000_000);
    }

    private static byte[] readBounded(InputStream in) throws IOException {
        byte[] buf = in.readNBytes(MAX_BODY + 1);
        return buf.length > MAX_BODY ? null : buf;
    }

    private int answer(EnrollmentResult r, Map<String, Object> body) {
        if (r instanceof EnrollmentResult.Enrolled e) {
            agent(e.agent(), body);
            body.put("status", "enrolled");
            body.put("credential", e.credential().reveal());
            body.put("credentialExpiresAt", e.credentialExpiresAt().toString());
            return 200;
        }
        if (r instanceof EnrollmentResult.PendingApproval p) {
            agent(p.agent(), body);
            body.put("status", "pending");
            return 202;
        }
        return denied(((EnrollmentResult.Denied) r).reason(), body);
    }

    private int answer(RenewalResult r, Map<String, Object> body) {
        if (r instanceof RenewalResult.Renewed e) {
            agent(e.agent(), body);
            body.put("status", "renewed");
            body.put("credential", e.credential().reveal());
            body.put("credentialExpiresAt", e.credentialExpiresAt().toString());
            return 200;
        }
        if (r instanceof RenewalResult.Pending p) {
            agent(p.agent(), body);
            body.put("status", "pending");
            return 202;
        }
        return denied(((RenewalResult.Denied) r).reason(), body);
    }

    private void agent(Agent a, Map<String, Object> body) {
        body.put("agentId", a.id().value());
        body.put("organizationId", a.organizationId().value());
        body.put("organization", admin.organizations().find(a.organizationId()).map(o -> o.name()).orElse(""));
        body.put("group", admin.groups().pathOf(a.organizationId(), a.groupId()));
    }

    private static int denied(DenialReason reason, Map<String, Object> body) {
        body.put("status", "denied");
        body.put("message", reason.publicMessage());
        return switch (reason) {
            case MALFORMED, OVERSIZED -> 400;
            case THROTTLED -> 429;
            default -> 403;
        };
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
