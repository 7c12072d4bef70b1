package com.heartbeatrm.examples.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    /** Answers one request for {@code /} or a console file; returns the status sent. */
    int handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        String name = path.equals("/") || path.equals("/index.html") ? "index.html" : path.substring(1);
        securityHeaders(ex);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            return plain(ex, 405, "use GET");
        }
        byte[] body = content.get(name);
        if (body == null) {
            return plain(ex, 404, "not found");
        }
        ex.getResponseHeaders().set("Content-Type", FILES.get(name));
        if (method.equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
            return 200;
        }
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
        return 200;
    }

    /** The headers every console and API answer carries. */
    static void securityHeaders(HttpExchange ex) {
        ex.getResponseHeaders().set("Content-Security-Policy", CSP);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
    }

    private static int plain(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
        return status;
    }
}
