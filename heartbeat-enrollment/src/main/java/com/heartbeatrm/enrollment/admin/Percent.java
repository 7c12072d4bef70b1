package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.core.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Strict percent-decoding of path segments and query strings: malformed escapes and invalid UTF-8 are a 400 naming the part. */
final class Percent {
    static final int MAX_QUERY = 8 * 1024;
    static final int MAX_PARAMETERS = 32;

    private Percent() {
    }

    /** Decodes {@code %XX} escapes (and, in a query, {@code +} as a space); {@code field} names the part in an error. */
    static String decode(String raw, String field, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return checkText(raw, field);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw bad(field);
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw bad(field);
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                out.write(' ');
            } else if (c > 0x7e || c < 0x20) {
                throw new InvalidInputException(field, "has a character that must be percent-encoded");
            } else {
                out.write(c);
            }
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
            return checkText(s, field);
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(field, "is not valid UTF-8 once decoded");
        }
    }

    private static String checkText(String s, String field) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new InvalidInputException(field, "has a control character");
            }
        }
        return s;
    }

    private static InvalidInputException bad(String field) {
        return new InvalidInputException(field, "has a malformed percent-escape");
    }

    /** The parameters of a raw query; a repeated parameter is refused. */
    static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw.isEmpty()) {
            return out;
        }
        if (raw.length() > MAX_QUERY) {
            throw new InvalidInputException("query", "is longer than " + MAX_QUERY + " characters");
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), "query", true);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name.length() <= 40 ? name : "query", true);
            if (out.containsKey(name)) {
                throw new InvalidInputException(name.length() <= 40 ? name : "query", "is given more than once");
            }
            if (out.size() == MAX_PARAMETERS) {
                throw new InvalidInputException("query", "has more than " + MAX_PARAMETERS + " parameters");
            }
            out.put(name, value);
        }
        return out;
    }
}
