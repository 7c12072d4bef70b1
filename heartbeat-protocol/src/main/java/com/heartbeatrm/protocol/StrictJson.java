package com.heartbeatrm.protocol;

import com.heartbeatrm.protocol.internal.Json;
import com.heartbeatrm.protocol.internal.Utf8;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One JSON object read strictly into plain Java values, and written back. Values are {@link String}, {@link Long}
 * (integers that fit), {@link BigDecimal} (any other number), {@link Boolean}, {@link List} and {@link Map}; a JSON
 * {@code null} member is kept as {@link #NULL}. A repeated member name is found by this reader, not by matching a
 * parser's message. Sizes, nesting and counts are bounded; nothing here ever echoes input text.
 */
public final class StrictJson {
    /** Stands for a member whose value is JSON {@code null}. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    private static final int MAX_MEMBERS = 256;
    private static final int MAX_ARRAY = 1024;

    private StrictJson() {
    }

    /** Why input is not acceptable: the object as a whole, or one member of it. */
    public enum Problem {
        /** Empty, not JSON, or not a single object. */
        NOT_JSON,
        /** Not UTF-8: a byte order mark, UTF-16 or UTF-32, or malformed UTF-8. */
        NOT_UTF8,
        /** An object repeats a member name. */
        DUPLICATE_MEMBER,
        /** Larger, deeper or longer than the limits. */
        TOO_LARGE,
        /** A required member is absent (or {@code null}). */
        MISSING,
        /** A member's value is not of the type asked for. */
        WRONG_TYPE,
        /** A member the reader does not expect. */
        UNKNOWN
    }

    /**
     * Input that is not acceptable. {@link #field()} names the member at fault, when one is; the message names the
     * problem, never the input.
     */
    public static final class JsonException extends InputException {
        private static final long serialVersionUID = 1L;
        /** What is wrong. */
        private final Problem problem;

        JsonException(Problem problem, @Nullable String field, String detail) {
            super(field, detail, false);
            this.problem = problem;
        }

        /** {@return what is wrong} */
        public Problem problem() {
            return problem;
        }
    }

    /**
     * Parses exactly one JSON object of at most {@code maxBytes} bytes of UTF-8.
     *
     * @param json     the bytes, UTF-8 without a byte order mark
     * @param maxBytes the largest input accepted
     * @return the members in input order, unmodifiable
     * @throws JsonException empty, too large, too deep, not UTF-8, not one object, or a repeated member name
     */
    public static Map<String, Object> parseObject(byte[] json, int maxBytes) throws JsonException {
        if (json == null || json.length == 0) {
            throw new JsonException(Problem.NOT_JSON, null, "empty body");
        }
        if (json.length > maxBytes) {
            throw new JsonException(Problem.TOO_LARGE, null, "larger than " + maxBytes + " bytes");
        }
        try (JsonParser p = Json.parser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonException(Problem.NOT_JSON, null, "not a JSON object");
            }
            Map<String, Object> out = readObject(p);
            if (p.nextToken() != null) {
                throw new JsonException(Problem.NOT_JSON, null, "content after the JSON object");
            }
            return out;
        } catch (StreamConstraintsException e) {
            throw new JsonException(Problem.TOO_LARGE, null, "exceeds the JSON size or nesting limits");
        } catch (Utf8.NotUtf8Exception e) {
            throw new JsonException(Problem.NOT_UTF8, null, String.valueOf(e.getMessage()));
        } catch (IOException e) {
            throw new JsonException(Problem.NOT_JSON, null, "not valid JSON");
        }
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException, JsonException {
        Map<String, Object> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (out.containsKey(name)) {
                throw new JsonException(Problem.DUPLICATE_MEMBER, null, "a member name is repeated");
            }
            if (out.size() == MAX_MEMBERS) {
                throw new JsonException(Problem.TOO_LARGE, null, "more than " + MAX_MEMBERS + " members");
            }
            out.put(name, readValue(p, p.nextToken()));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object readValue(JsonParser p, JsonToken t) throws IOException, JsonException {
        if (t == null) {
            throw new JsonException(Problem.NOT_JSON, null, "unexpected end of input");
        }
        return switch (t) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT ->
                    p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? new BigDecimal(p.getBigIntegerValue()) : p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NULL -> NULL;
            case START_OBJECT -> readObject(p);
            case START_ARRAY -> readArray(p);
            default -> throw new JsonException(Problem.NOT_JSON, null, "not valid JSON");
        };
    }

    private static List<Object> readArray(JsonParser p) throws IOException, JsonException {
        List<Object> list = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
            if (list.size() == MAX_ARRAY) {
                throw new JsonException(Problem.TOO_LARGE, null, "an array of more than " + MAX_ARRAY + " elements");
            }
            list.add(readValue(p, e));
        }
        return Collections.unmodifiableList(list);
    }

    // ------------------------------------------------------------------------------------------- reading members

    /**
     * Refuses members outside {@code allowed}, naming the first one (when it is printable).
     *
     * @param m       an object {@link #parseObject} read
     * @param allowed the member names expected
     * @throws JsonException {@code UNKNOWN}: another member is present
     */
    public static void onlyMembers(Map<String, Object> m, Set<String> allowed) throws JsonException {
        for (String name : m.keySet()) {
            if (!allowed.contains(name)) {
                throw new JsonException(Problem.UNKNOWN, printable(name), "unknown field \"" + printable(name) + "\"");
            }
        }
    }

    /**
     * A string member; empty when absent or {@code null}.
     *
     * @param m    an object {@link #parseObject} read
     * @param name the member
     * @return the string
     * @throws JsonException {@code WRONG_TYPE}: present but of another type
     */
    public static Optional<String> string(Map<String, Object> m, String name) throws JsonException {
        return member(m, name, String.class, "a string");
    }

    /**
     * The string member {@code name}, which must be present.
     *
     * @param m    an object {@link #parseObject} read
     * @param name the member
     * @return the string
     * @throws JsonException {@code MISSING} when absent or null, {@code WRONG_TYPE} when not a string
     */
    public static String requireString(Map<String, Object> m, String name) throws JsonException {
        return string(m, name).orElseThrow(() -> missing(name));
    }

    /**
     * An integer member that fits a {@code long}; empty when absent or {@code null}.
     *
     * @param m    an object {@link #parseObject} read
     * @param name the member
     * @return the integer
     * @throws JsonException {@code WRONG_TYPE}: present but of another type (a fraction, or an integer beyond a {@code long})
     */
    public static Optional<Long> integer(Map<String, Object> m, String name) throws JsonException {
        return member(m, name, Long.class, "an integer");
    }

    /**
     * The integer member {@code name}, which must be present.
     *
     * @param m    an object {@link #parseObject} read
     * @param name the member
     * @return the integer
     * @throws JsonException {@code MISSING} when absent or null, {@code WRONG_TYPE} when not an integer that fits
     */
    public static long requireInteger(Map<String, Object> m, String name) throws JsonException {
        return integer(m, name).orElseThrow(() -> missing(name));
    }

    /**
     * The boolean member {@code name}, when present.
     *
     * @param m    an object {@link #parseObject} read
     * @param name the member
     * @return the boolean; empty when absent or null
     * @throws JsonException {@code WRONG_TYPE}: present but of another type
     */
    public static Optional<Boolean> bool(Map<String, Object> m, String name) throws JsonException {
        return member(m, name, Boolean.class, "true or false");
    }

    /**
     * An object member; empty when absent or {@code null}.
     *
     * @param m    an object {@link #parseObject} read
     * @param name the member
     * @return the object, unmodifiable
     * @throws JsonException {@code WRONG_TYPE}: present but of another type
     */
    @SuppressWarnings("unchecked")
    public static Optional<Map<String, Object>> object(Map<String, Object> m, String name) throws JsonException {
        return member(m, name, Map.class, "an object").map(o -> (Map<String, Object>) o);
    }

    /**
     * An array of strings; empty list when absent or {@code null}.
     *
     * @param m    an object {@link #parseObject} read
     * @param name the member
     * @param max  the most entries accepted
     * @return the strings, unmodifiable
     * @throws JsonException {@code WRONG_TYPE}: not an array of strings, or more than {@code max} entries
     */
    public static List<String> strings(Map<String, Object> m, String name, int max) throws JsonException {
        List<?> list = member(m, name, List.class, "an array of strings").orElse(List.of());
        if (list.size() > max) {
            throw new JsonException(Problem.WRONG_TYPE, name, "\"" + name + "\" holds at most " + max + " entries");
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object e : list) {
            if (!(e instanceof String s)) {
                throw wrongType(name, "an array of strings");
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    /** The member {@code name} when it is a {@code type}; empty when absent or {@code null}. */
    private static <T> Optional<T> member(Map<String, Object> m, String name, Class<T> type, String mustBe) throws JsonException {
        Object v = m.get(name);
        if (v == null || v == NULL) {
            return Optional.empty();
        }
        if (!type.isInstance(v)) {
            throw wrongType(name, mustBe);
        }
        return Optional.of(type.cast(v));
    }

    private static JsonException wrongType(String name, String mustBe) {
        return new JsonException(Problem.WRONG_TYPE, name, "\"" + name + "\" must be " + mustBe);
    }

    private static JsonException missing(String name) {
        return new JsonException(Problem.MISSING, name, "missing field \"" + name + "\"");
    }

    /**
     * A member name as it may appear in a message: itself when short and plain, else a placeholder.
     *
     * @param name a member name from input
     * @return {@code name} when at most 40 of letters, digits, {@code _}, {@code .} and {@code -}; else {@code (unprintable)}
     */
    public static String printable(String name) {
        return name.length() <= 40 && name.matches("[A-Za-z0-9_.-]*") ? name : "(unprintable)";
    }

    // ----------------------------------------------------------------------------------------------- writing

    /**
     * Writes an object; values are strings, numbers, booleans, lists, maps or {@link Optional}s; null or empty are left out.
     *
     * @param members the members, in the order to write them
     * @return the object as UTF-8 JSON
     */
    public static byte[] write(Map<String, ?> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            writeValue(g, members);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Optional<?> o) {
            v = o.orElse(null);
        }
        if (v == null || v == NULL) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Long || v instanceof Integer) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object value = e.getValue() instanceof Optional<?> o ? o.orElse(null) : e.getValue();
                if (value != null) {
                    g.writeFieldName(e.getKey().toString());
                    writeValue(g, value);
                }
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> list) {
            g.writeStartArray();
            for (Object e : list) {
                writeValue(g, e);
            }
            g.writeEndArray();
        } else {
            g.writeString(v.toString());
        }
    }
}
