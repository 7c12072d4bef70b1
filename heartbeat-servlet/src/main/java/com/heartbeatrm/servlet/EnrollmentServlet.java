package com.heartbeatrm.servlet;

import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.enrollment.EndpointRequest;
import com.heartbeatrm.enrollment.EndpointResponse;
import com.heartbeatrm.enrollment.EnrollmentEndpoint;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serial;
import java.util.Objects;

/**
 * The enrollment protocol on a Jakarta Servlet 6 container: map it to the base path the tokens name (for example
 * {@code /v1/*}) and it answers {@code POST /v1/enroll} and {@code POST /v1/renew} through the
 * {@link EnrollmentEndpoint}. It reads at most {@link EnrollmentProtocol#MAX_BODY_BYTES} plus one byte of a body,
 * and refuses a larger declared length before reading any. Timeouts and connection limits are the container's:
 * configure its read and idle timeouts.
 */
public final class EnrollmentServlet extends HttpServlet {
    @Serial
    private static final long serialVersionUID = 1L;
    private final transient EnrollmentEndpoint endpoint;

    /**
     * A servlet over {@code endpoint}, for the host to register with its container (it is not annotated, so no
     * container finds it by scanning). Thread-safe as the endpoint is.
     *
     * @param endpoint the enrollment endpoint of the host's server
     */
    public EnrollmentServlet(EnrollmentEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        EndpointResponse answer;
        if (req.getContentLengthLong() > EnrollmentProtocol.MAX_BODY_BYTES) {
            answer = endpoint.refuseOversized();
        } else {
            byte[] body;
            try (InputStream in = req.getInputStream()) {
                body = EndpointRequest.readBody(in);
            }
            answer = endpoint.handle(new EndpointRequest(req.getMethod(), path, body, Servlets.remoteAddress(req)));
        }
        Servlets.head(resp, answer.status(), answer.headers());
        byte[] out = answer.bodyUnsafe();
        resp.setContentLength(out.length);
        try (OutputStream os = resp.getOutputStream()) {
            os.write(out);
        }
    }
}
