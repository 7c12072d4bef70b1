package com.heartbeatrm.enrollment.admin;

import static com.heartbeatrm.enrollment.admin.Replies.error;
import static com.heartbeatrm.enrollment.admin.Replies.errorBody;
import static com.heartbeatrm.enrollment.admin.Replies.json;
import static com.heartbeatrm.enrollment.admin.Replies.printable;

import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.protocol.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One request's way through the admin API: match the path against the table, authenticate, answer 405 for a known
 * path with another method, decode the captures, authorize before the body is read, read the body the route takes,
 * and hand the call to its handler. Whatever is thrown is answered by {@link Problems}.
 */
final class AdminRouter {
    private final List<Route> routes;
    private final AdminAuthenticator authenticator;
    private final AdminAuthorizer authorizer;
    private final HeartbeatAdmin admin;
    private final Lookup lookup;

    AdminRouter(List<Route> routes, AdminAuthenticator authenticator, AdminAuthorizer authorizer, HeartbeatAdmin admin, Lookup lookup) {
        this.routes = List.copyOf(routes);
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.admin = admin;
        this.lookup = lookup;
    }

    /** The routes, in table order, without the hidden aliases: method and pattern. */
    List<String> routes() {
        List<String> out = new ArrayList<>();
        for (Route r : routes) {
            if (!r.hidden()) {
                out.add(r.method() + " " + r.pattern());
            }
        }
        return out;
    }

    AdminResponse handle(AdminRequest request) {
        try {
            return dispatch(request);
        } catch (Exception e) {
            return Problems.answer(e, request);
        }
    }

    private AdminResponse dispatch(AdminRequest request) throws Exception {
        List<String> segments = Route.split(request.rawPath());
        List<Route> atPath = new ArrayList<>();
        Route route = null;
        Map<String, String> captures = Map.of();
        for (Route r : routes) {
            Optional<Map<String, String>> m = r.match(segments);
            if (m.isPresent()) {
                atPath.add(r);
                if (r.method().equals(request.method()) && route == null) {
                    route = r;
                    captures = m.get();
                }
            }
        }
        if (atPath.isEmpty()) {
            return error(404, "no such endpoint: " + printable(request.method()) + " " + printable(request.rawPath()), "path");
        }
        AdminAuthenticator.Authentication auth = authenticator.authenticate(request);
        if (auth instanceof AdminAuthenticator.Unauthenticated refused) {
            Map<String, String> headers = new LinkedHashMap<>();
            refused.retryAfter().ifPresent(d -> headers.put("Retry-After", Long.toString(Math.max(1, (d.toMillis() + 999) / 1000))));
            if (refused.status() == 401) {
                headers.put("WWW-Authenticate", "Bearer");
            }
            return json(refused.status(), headers, errorBody(refused.message(), "Authorization"));
        }
        Actor actor = ((AdminAuthenticator.Authenticated) auth).actor();
        if (route == null) {
            Set<String> allowed = new LinkedHashSet<>();
            atPath.forEach(r -> allowed.add(r.method()));
            return json(405, Map.of("Allow", String.join(", ", allowed)),
                    errorBody("use " + String.join(" or ", allowed) + " here", "method"));
        }
        Map<String, String> decoded = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : captures.entrySet()) {
            decoded.put(e.getKey(), Percent.decode(e.getValue(), e.getKey(), false));
        }
        Map<String, String> query = Percent.query(request.rawQuery().orElse(""));
        // Authorized before the body is read: a refused actor's body is never parsed.
        Optional<Organization> org = authorize(new Call(request, actor, decoded, query, Map.of(), lookup, null), route);
        Map<String, Object> body = route.body() == Route.BodyType.JSON ? jsonBody(request, route.fields())
                : route.body() == Route.BodyType.NONE ? noBody(request) : Map.of();
        Scope scope = new Scope(authorizer, admin, actor, org, new AdminAction(route.method(), route.pattern()));
        return route.handler().handle(new Call(request, actor, decoded, query, body, lookup, org.orElse(null)).scoped(scope));
    }

    /**
     * Asks the authorizer before a handler reads or changes anything: a deployment-wide call with no organization
     * (403 when refused), every other call with the organization it acts in (404 when refused, as for an organization
     * that does not exist). {@code GET /organizations} filters its rows instead.
     */
    private Optional<Organization> authorize(Call c, Route route) {
        AdminAction action = new AdminAction(route.method(), route.pattern());
        if (route.pattern().equals("/organizations")) {
            return Optional.empty();
        }
        if (action.deploymentWide()) {
            if (!authorizer.allows(c.actor, Optional.empty(), action)) {
                throw new Refusal(403, "not allowed: " + action, null);
            }
            return Optional.empty();
        }
        Organization org = c.org();
        if (!authorizer.allows(c.actor, Optional.of(org), action)) {
            throw new NotFoundException("organization", c.query("org").orElse("(the only one)"));
        }
        return Optional.of(org);
    }

    private static Map<String, Object> noBody(AdminRequest r) {
        if (r.contentLength().isPresent() && r.contentLength().getAsLong() > 0) {
            throw new InvalidInputException("body", "this endpoint takes no body");
        }
        return Map.of();
    }

    private static Map<String, Object> jsonBody(AdminRequest r, Set<String> fields) throws IOException {
        int max = AdminEndpoint.MAX_JSON_BODY;
        if (r.contentLength().isPresent() && r.contentLength().getAsLong() > max) {
            throw new Refusal(413, "the body is larger than " + (max / 1024) + " KiB", "body");
        }
        byte[] bytes;
        try (InputStream in = r.body().open()) {
            bytes = in.readNBytes(max + 1);
        }
        if (bytes.length > max) {
            throw new Refusal(413, "the body is larger than " + (max / 1024) + " KiB", "body");
        }
        if (isJsonWhitespace(bytes)) {
            return Map.of();
        }
        Map<String, Object> m;
        try {
            m = StrictJson.parseObject(bytes, max);
        } catch (StrictJson.JsonException e) {
            throw new InvalidInputException("body", switch (e.problem()) {
                case DUPLICATE_MEMBER -> "a JSON member name is repeated";
                case TOO_LARGE -> "exceeds the JSON size or nesting limits";
                case NOT_UTF8 -> e.getMessage() + " (JSON bodies are UTF-8 without a byte order mark)";
                default -> "not a JSON object";
            });
        }
        try {
            StrictJson.onlyMembers(m, fields);
        } catch (StrictJson.JsonException e) {
            throw new InvalidInputException(e.field().orElse("body"), e.getMessage() + "; this endpoint takes " + (fields.isEmpty() ? "no fields"
                    : String.join(", ", new TreeSet<>(fields))));
        }
        return m;
    }

    /** An empty body, or JSON whitespace only (RFC 8259: space, tab, CR, LF): a body with no members. */
    private static boolean isJsonWhitespace(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
