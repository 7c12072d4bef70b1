package com.heartbeatrm.agent.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.heartbeatrm.agent.RequestException;
import com.heartbeatrm.agent.RequestException.Problem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Flat, strict request JSON: one object whose members are strings (and at most one nested object of strings),
 * with a fixed set of allowed names. Unknown, duplicate, missing or mistyped members are typed refusals.
 */
public final class RequestJson {
    public static final int MAX_BODY = 32 * 1024;

    private RequestJson() {
    }

    /** Parses {@code {"a":"…","facts":{"x":"…"}}} into a map; nested objects become maps. */
    public static Map<String, Object> parse(byte[] body, Set<String> allowed, Set<String> nestedAllowed) throws RequestException {
        if (body == null || body.length == 0) {
            throw new RequestException(Problem.NOT_JSON, "empty body");
        }
        if (body.length > MAX_BODY) {
            throw new RequestException(Problem.OVERSIZED, "body larger than " + MAX_BODY + " bytes");
        }
        try (JsonParser p = Json.parser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new RequestException(Problem.NOT_JSON, "body must be a JSON object");
            }
            Map<String, Object> out = readObject(p, allowed, nestedAllowed, true);
            if (p.nextToken() != null) {
                throw new RequestException(Problem.NOT_JSON, "content after the JSON object");
            }
            return out;
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Duplicate field")) {
                throw new RequestException(Problem.DUPLICATE_FIELD, "a member name is repeated");
            }
            throw new RequestException(Problem.NOT_JSON, "body is not valid JSON");
        }
    }

    private static Map<String, Object> readObject(JsonParser p, Set<String> allowed, Set<String> nestedAllowed, boolean top)
            throws IOException, RequestException {
        Map<String, Object> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (!allowed.contains(name)) {
                throw new RequestException(Problem.UNKNOWN_FIELD, "unknown field \"" + safe(name) + "\"");
            }
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_STRING) {
                out.put(name, p.getText());
            } else if (t == JsonToken.VALUE_NUMBER_INT && name.equals("v")) {
                out.put(name, p.getIntValue());
            } else if (t == JsonToken.START_OBJECT && top && !nestedAllowed.isEmpty()) {
                out.put(name, readObject(p, nestedAllowed, Set.of(), false));
            } else if (t == JsonToken.VALUE_NULL) {
                continue;
            } else {
                throw new RequestException(Problem.WRONG_TYPE, "field \"" + name + "\" has the wrong type");
            }
        }
        return out;
    }

    public static String string(Map<String, Object> m, String name, boolean required) throws RequestException {
        Object v = m.get(name);
        if (v == null) {
            if (required) {
                throw new RequestException(Problem.MISSING_FIELD, "missing field \"" + name + "\"");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new RequestException(Problem.WRONG_TYPE, "field \"" + name + "\" must be a string");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Map<String, Object> m, String name) throws RequestException {
        Object v = m.get(name);
        if (v == null) {
            throw new RequestException(Problem.MISSING_FIELD, "missing field \"" + name + "\"");
        }
        if (!(v instanceof Map)) {
            throw new RequestException(Problem.WRONG_TYPE, "field \"" + name + "\" must be an object");
        }
        return (Map<String, Object>) v;
    }

    public static int version(Map<String, Object> m) throws RequestException {
        Object v = m.get("v");
        if (!(v instanceof Integer i)) {
            throw new RequestException(v == null ? Problem.MISSING_FIELD : Problem.WRONG_TYPE, "field \"v\" must be the number 1");
        }
        if (i != 1) {
            throw new RequestException(Problem.INVALID_VALUE, "unsupported request version " + i);
        }
        return i;
    }

    /** Writes an object of string members (values may be maps of strings); null values are left out. */
    public static byte[] write(Map<String, Object> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            writeObject(g, members);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static void writeObject(JsonGenerator g, Map<String, Object> members) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, Object> e : members.entrySet()) {
            Object v = e.getValue();
            if (v == null) {
                continue;
            }
            g.writeFieldName(e.getKey());
            if (v instanceof Map) {
                writeObject(g, (Map<String, Object>) v);
            } else if (v instanceof Integer i) {
                g.writeNumber(i);
            } else {
                g.writeString(v.toString());
            }
        }
        g.writeEndObject();
    }

    private static String safe(String name) {
        return name.length() > 32 || !name.matches("[A-Za-z0-9_-]*") ? "(unprintable)" : name;
    }
}
