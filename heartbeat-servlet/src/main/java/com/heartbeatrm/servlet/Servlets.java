package com.heartbeatrm.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/** What both servlets need from a request and for a response. */
final class Servlets {
    private Servlets() {
    }

    /**
     * The peer's address as the container saw it. Containers give an IP literal, which resolves without a lookup;
     * anything else is treated as unknown (0.0.0.0) rather than looked up. Behind a reverse proxy, configure the
     * container to report the client's address (Tomcat's RemoteIpValve, Jetty's ForwardedRequestCustomizer).
     */
    static InetAddress remoteAddress(HttpServletRequest req) {
        String addr = req.getRemoteAddr();
        try {
            if (addr != null && (addr.indexOf(':') >= 0 || addr.matches("[0-9.]+"))) {
                return InetAddress.getByName(addr.startsWith("[") ? addr.substring(1, addr.length() - 1) : addr);
            }
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            try {
                return InetAddress.getByAddress(new byte[4]);
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    /** Sets an answer's status and headers; Content-Type and Content-Length through the container's own setters. */
    static void head(HttpServletResponse resp, int status, Map<String, String> headers) {
        resp.setStatus(status);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase("Content-Type")) {
                resp.setContentType(h.getValue());
            } else if (h.getKey().equalsIgnoreCase("Content-Length")) {
                resp.setContentLengthLong(Long.parseLong(h.getValue()));
            } else {
                resp.setHeader(h.getKey(), h.getValue());
            }
        }
    }
}
