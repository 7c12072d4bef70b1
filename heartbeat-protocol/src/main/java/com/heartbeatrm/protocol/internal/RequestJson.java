package com.heartbeatrm.protocol.internal;

import com.heartbeatrm.protocol.StrictJson;

import com.heartbeatrm.protocol.EnrollmentProtocol;
import com.heartbeatrm.protocol.RequestException;
import com.heartbeatrm.protocol.RequestException.Problem;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The agent requests' JSON: one object with a fixed set of members, read with {@link StrictJson}. Unknown, duplicate,
 * missing or mistyped members are typed refusals that name the member.
 */
public final class RequestJson {
    private RequestJson() {
    }

    /** Parses a request body of at most {@link EnrollmentProtocol#MAX_BODY_BYTES} with only the {@code allowed} members. */
    public static Map<String, Object> parse(byte[] body, Set<String> allowed) throws RequestException {
        Map<String, Object> m;
        try {
            m = StrictJson.parseObject(body, EnrollmentProtocol.MAX_BODY_BYTES);
        } catch (StrictJson.JsonException e) {
            throw of(e, "");
        }
        try {
            StrictJson.onlyMembers(m, allowed);
        } catch (StrictJson.JsonException e) {
            throw of(e, "");
        }
        return m;
    }

    /** The nested object {@code name}, with only the {@code allowed} members. */
    public static Map<String, Object> object(Map<String, Object> m, String name, Set<String> allowed) throws RequestException {
        try {
            Map<String, Object> o = StrictJson.object(m, name).orElseThrow(() -> new RequestException(Problem.MISSING_FIELD, name,
                    "missing field \"" + name + "\""));
            StrictJson.onlyMembers(o, allowed);
            return o;
        } catch (StrictJson.JsonException e) {
            throw of(e, name + ".");
        }
    }

    /** The nested object {@code name} with only the {@code allowed} members; empty when absent or null. */
    public static Optional<Map<String, Object>> optionalObject(Map<String, Object> m, String name, Set<String> allowed)
            throws RequestException {
        try {
            Optional<Map<String, Object>> o = StrictJson.object(m, name);
            if (o.isPresent()) {
                StrictJson.onlyMembers(o.get(), allowed);
            }
            return o;
        } catch (StrictJson.JsonException e) {
            throw of(e, name + ".");
        }
    }

    public static String string(Map<String, Object> m, String name) throws RequestException {
        try {
            return StrictJson.requireString(m, name);
        } catch (StrictJson.JsonException e) {
            throw of(e, "");
        }
    }

    public static Optional<String> optionalString(Map<String, Object> m, String name) throws RequestException {
        try {
            return StrictJson.string(m, name);
        } catch (StrictJson.JsonException e) {
            throw of(e, "");
        }
    }

    /** Checks {@code "v": 1}. */
    public static void version(Map<String, Object> m) throws RequestException {
        long v;
        try {
            v = StrictJson.requireInteger(m, "v");
        } catch (StrictJson.JsonException e) {
            throw of(e, "");
        }
        if (v != EnrollmentProtocol.VERSION) {
            throw new RequestException(Problem.UNSUPPORTED_VERSION, "v", "request version " + v + " is not " + EnrollmentProtocol.VERSION);
        }
    }

    public static byte[] write(Map<String, ?> members) {
        return StrictJson.write(members);
    }

    private static RequestException of(StrictJson.JsonException e, String prefix) {
        Problem p = switch (e.problem()) {
            case TOO_LARGE -> Problem.OVERSIZED;
            case DUPLICATE_MEMBER -> Problem.DUPLICATE_FIELD;
            case NOT_JSON, NOT_UTF8 -> Problem.NOT_JSON;
            case MISSING -> Problem.MISSING_FIELD;
            case WRONG_TYPE -> Problem.WRONG_TYPE;
            case UNKNOWN -> Problem.UNKNOWN_FIELD;
        };
        return new RequestException(p, e.field().map(f -> prefix + f).orElse(null), e.getMessage());
    }
}
