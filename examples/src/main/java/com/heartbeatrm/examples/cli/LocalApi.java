package com.heartbeatrm.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.enrollment.admin.AdminAuthenticator;
import com.heartbeatrm.enrollment.admin.AdminEndpoint;
import com.heartbeatrm.enrollment.admin.AdminRequest;
import com.heartbeatrm.enrollment.admin.AdminResponse;
import com.heartbeatrm.examples.Deployment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The admin API called in-process: the CLI's admin commands are its routes, so the CLI, the HTTP API and the web
 * console share one vocabulary, one validation and one paging. Lists are read to the end.
 */
final class LocalApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AdminEndpoint endpoint;
    private final String org;

    /** An API failure: the status and the endpoint's words (and the field at fault). */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        Failure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    LocalApi(Deployment d, String org) {
        this.endpoint = AdminEndpoint.builder(d.server, r -> new AdminAuthenticator.Authenticated(Actor.of("cli")))
                .workDirectory(d.dataDir()).build();
        this.org = org;
    }

    /** A path segment, percent-encoded (a group path's {@code /} included). */
    static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String path, Map<String, String> query) {
        return call("GET", path, query, null);
    }

    JsonNode post(String path, Map<String, ?> body) {
        return call("POST", path, Map.of(), body);
    }

    JsonNode delete(String path) {
        return call("DELETE", path, Map.of(), null);
    }

    /** Every row of a list, following {@code next} to the end. */
    List<JsonNode> all(String path, Map<String, String> query) {
        List<JsonNode> rows = new ArrayList<>();
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("limit", "1000");
        while (true) {
            JsonNode page = get(path, q);
            page.path("items").forEach(rows::add);
            JsonNode next = page.get("next");
            if (next == null || next.isNull()) {
                return rows;
            }
            q.put("after", next.asText());
        }
    }

    private JsonNode call(String method, String path, Map<String, String> query, Map<String, ?> body) {
        StringBuilder q = new StringBuilder();
        Map<String, String> all = new LinkedHashMap<>();
        if (org != null) {
            all.put("org", org);
        }
        all.putAll(query);
        for (Map.Entry<String, String> e : all.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            q.append(q.length() == 0 ? "" : "&").append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        byte[] bytes;
        try {
            bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        AdminRequest r = new AdminRequest(method, path, q.length() == 0 ? Optional.empty() : Optional.of(q.toString()),
                InetAddress.getLoopbackAddress(), Optional.empty(), Optional.empty(), OptionalLong.of(bytes.length),
                () -> new ByteArrayInputStream(bytes));
        try (AdminResponse res = endpoint.handle(r)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            res.writeBody(out);
            JsonNode json = JSON.readTree(out.toByteArray());
            if (res.status() >= 400) {
                String field = json.path("field").asText("");
                throw new Failure(res.status(), json.path("error").asText("failed") + (field.isEmpty() ? "" : " (" + field + ")"));
            }
            return json;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
