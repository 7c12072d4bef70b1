package com.heartbeatrm.examples.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors (a malformed URL, a bad header, a request line too long) as JSON that names what is wrong,
 * never an HTML page or a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {
    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String field = code == 431 ? "headers" : code == 414 ? "url" : code == 400 ? fieldOf(message) : "request";
        String text = message == null || message.isBlank() ? "the request is malformed" : ReferenceServer.printable(message);
        String json = "{\"error\":\"" + escape(text) + "\",\"field\":\"" + field + "\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static String fieldOf(String message) {
        if (message == null) {
            return "request";
        }
        String m = message.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("uri") || m.contains("path") || m.contains("url") || m.contains("encod")) {
            return "url";
        }
        if (m.contains("header") || m.contains("host")) {
            return "headers";
        }
        return "request";
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
