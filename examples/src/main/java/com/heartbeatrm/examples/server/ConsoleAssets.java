package com.heartbeatrm.examples.server;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web console: a fixed set of static files read once from the jar and served at {@code /}. Nothing outside
 * the list is ever served (no file-system paths, no traversal). Every answer carries a strict Content Security
 * Policy (scripts, styles and API calls from this origin only; no inline code; no framing), and nothing is cached,
 * so a new server version never meets an old script.
 */
final class ConsoleAssets {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String ROOT = "/com/heartbeatrm/examples/console/";
    /** Every file the console has, with its content type: all that is ever served. */
    static final Map<String, String> FILES = Map.ofEntries(
            Map.entry("index.html", "text/html; charset=utf-8"),
            Map.entry("console.css", "text/css; charset=utf-8"),
            Map.entry("icon.svg", "image/svg+xml"),
            Map.entry("app.js", "text/javascript; charset=utf-8"),
            Map.entry("api.js", "text/javascript; charset=utf-8"),
            Map.entry("ui.js", "text/javascript; charset=utf-8"),
            Map.entry("keys.js", "text/javascript; charset=utf-8"),
            Map.entry("installers.js", "text/javascript; charset=utf-8"),
            Map.entry("groups.js", "text/javascript; charset=utf-8"),
            Map.entry("agents.js", "text/javascript; charset=utf-8"),
            Map.entry("audit.js", "text/javascript; charset=utf-8"));

    private final Map<String, byte[]> content = new LinkedHashMap<>();

    ConsoleAssets() {
        for (String name : FILES.keySet()) {
            try (InputStream in = ConsoleAssets.class.getResourceAsStream(ROOT + name)) {
                if (in == null) {
                    throw new IllegalStateException("console file missing from the jar: " + name);
                }
                content.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Answers one request for {@code /} or a console file. */
    void handle(Request request, Response response, Callback done) {
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        String name = path.equals("/") || path.equals("/index.html") ? "index.html" : path.substring(1);
        securityHeaders(response);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            plain(response, 405, "use GET", done);
            return;
        }
        byte[] body = content.get(name);
        if (body == null) {
            plain(response, 404, "not found", done);
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, FILES.get(name));
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, method.equals("HEAD") ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), done);
    }

    /** The headers every console and API answer carries. */
    static void securityHeaders(Response response) {
        response.getHeaders().put("Content-Security-Policy", CSP);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put("Referrer-Policy", "no-referrer");
        response.getHeaders().put("Cache-Control", "no-store");
    }

    private static void plain(Response response, int status, String text, Callback done) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, b.length);
        response.write(true, ByteBuffer.wrap(b), done);
    }
}
