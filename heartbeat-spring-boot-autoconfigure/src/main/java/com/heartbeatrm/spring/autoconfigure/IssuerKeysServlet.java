package com.heartbeatrm.spring.autoconfigure;

import com.heartbeatrm.enrollment.HeartbeatServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET} the issuer key set (a JWK set of Ed25519 public keys: the active and every retired key) that agent builds
 * pin, as {@code server.signingKeys().publicKeySet().toJson()} gives it. Public keys only.
 */
final class IssuerKeysServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient HeartbeatServer server;

    IssuerKeysServlet(HeartbeatServer server) {
        this.server = server;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body = server.signingKeys().publicKeySet().toJson().getBytes(StandardCharsets.UTF_8);
        resp.setStatus(200);
        resp.setContentType("application/jwk-set+json");
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
