package com.heartbeatrm.enrollment.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One route of the admin API: a method, a path pattern ({@code /keys/{key}/disable}: literal segments and named
 * captures), what body it takes, and its handler. {@code hidden} routes are old names kept for scripts; they are
 * left out of the route list a client reads.
 */
record Route(String method, String pattern, BodyType body, Set<String> fields, Handler handler, boolean hidden) {

    /** What a route reads as its body. */
    enum BodyType {
        /** Nothing; a body is refused. */
        NONE,
        /** A JSON object with only the route's fields (each optional unless the handler requires it); may be empty. */
        JSON,
        /** The raw bytes (an uploaded installer), streamed by the handler. */
        RAW
    }

    @FunctionalInterface
    interface Handler {
        AdminResponse handle(Call call) throws Exception;
    }

    Route {
        fields = Set.copyOf(fields);
    }

    List<String> segments() {
        return split(pattern);
    }

    /** The captures of {@code rawSegments} (still percent-encoded), or empty when the pattern does not match. */
    Optional<Map<String, String>> match(List<String> rawSegments) {
        List<String> parts = segments();
        if (parts.size() != rawSegments.size()) {
            return Optional.empty();
        }
        Map<String, String> captures = new java.util.LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i);
            String s = rawSegments.get(i);
            if (p.startsWith("{")) {
                if (s.isEmpty()) {
                    return Optional.empty();
                }
                captures.put(p.substring(1, p.length() - 1), s);
            } else if (!p.equals(s)) {
                return Optional.empty();
            }
        }
        return Optional.of(captures);
    }

    static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/", -1)) {
            out.add(s);
        }
        // "/keys/x/" and "/keys/x" are one path; the leading "/" gives an empty first segment.
        while (!out.isEmpty() && out.get(0).isEmpty()) {
            out.remove(0);
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }
}
