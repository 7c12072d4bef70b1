package com.heartbeatrm.servlet;

import com.heartbeatrm.enrollment.admin.AdminEndpoint;
import com.heartbeatrm.enrollment.admin.AdminRequest;
import com.heartbeatrm.enrollment.admin.AdminResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serial;
import java.security.Principal;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The admin JSON API on a Jakarta Servlet 6 container: map it to a base path (for example {@code /api/*}). The raw
 * request path below the mapping is routed, so encoded characters reach the {@link AdminEndpoint} as sent. The
 * {@code Authorization} header and the container's authenticated principal (if the host's own security set one)
 * are passed on; which one counts is the endpoint's {@code AdminAuthenticator}.
 */
public final class AdminServlet extends HttpServlet {
    @Serial
    private static final long serialVersionUID = 1L;
    private final transient AdminEndpoint endpoint;

    /**
     * A servlet over {@code endpoint}, for the host to register with its container (it is not annotated, so no
     * container finds it by scanning). Thread-safe as the endpoint is.
     *
     * @param endpoint the admin endpoint, with its authenticator
     */
    public AdminServlet(AdminEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String uri = req.getRequestURI();
        String mount = req.getContextPath() + req.getServletPath();
        String rawPath = uri.startsWith(mount) ? uri.substring(mount.length()) : uri;
        long length = req.getContentLengthLong();
        Principal principal = req.getUserPrincipal();
        AdminRequest request = new AdminRequest(req.getMethod(), rawPath, Optional.ofNullable(req.getQueryString()), Servlets.remoteAddress(req),
                Optional.ofNullable(req.getHeader("Authorization")), Optional.ofNullable(principal).map(Principal::getName),
                length >= 0 ? OptionalLong.of(length) : OptionalLong.empty(), req::getInputStream);
        try (AdminResponse answer = endpoint.handle(request)) {
            Servlets.head(resp, answer.status(), answer.headers());
            if (!answer.headers().containsKey("Content-Length")) {
                resp.setContentLengthLong(answer.contentLength());
            }
            try (OutputStream os = resp.getOutputStream()) {
                answer.writeBody(os);
            }
        }
    }
}
