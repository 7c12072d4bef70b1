package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.protocol.StrictJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** How the admin API answers: JSON with its fixed headers, errors as {@code {"error", "field"}}, pages of items. */
final class Replies {
    private Replies() {
    }

    static AdminResponse ok(Map<String, ?> body) {
        return json(200, Map.of(), StrictJson.write(body));
    }

    static AdminResponse created(Map<String, ?> body) {
        return json(201, Map.of(), StrictJson.write(body));
    }

    static AdminResponse error(int status, @Nullable String message, @Nullable String field) {
        return json(status, Map.of(), errorBody(message, field));
    }

    static byte[] errorBody(@Nullable String message, @Nullable String field) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message == null ? "error" : message.replaceAll("[\\p{Cntrl}]+", " "));
        if (field != null) {
            m.put("field", field);
        }
        return StrictJson.write(m);
    }

    static AdminResponse json(int status, Map<String, String> extra, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.putAll(extra);
        return AdminResponse.json(status, headers, body);
    }

    static Map<String, Object> paged(List<Object> items, Optional<String> next) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        next.ifPresent(n -> out.put("next", n));
        return out;
    }

    /** Text from a request, fit for a message or a log line: control characters escaped, length bounded. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char ch = s.charAt(i);
            if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0)) {
                b.append(String.format("\\x%02x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return s.length() > 200 ? b + "…" : b.toString();
    }
}
