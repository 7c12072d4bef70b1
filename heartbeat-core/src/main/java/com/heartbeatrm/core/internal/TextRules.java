package com.heartbeatrm.core.internal;

import com.heartbeatrm.core.IdShape;
import com.heartbeatrm.core.InvalidInputException;
import java.text.Normalizer;

/** Validation of the human-entered text the model stores: names, reasons, actors. */
public final class TextRules {
    private TextRules() {
    }

    /**
     * Trims, NFC-normalizes and checks a name: not blank, at most {@code maxLength} code points, no control or
     * format characters, and none of {@code forbidden}.
     */
    public static String name(String field, String raw, int maxLength, String forbidden) {
        if (raw == null) {
            throw new InvalidInputException(field, "must not be null");
        }
        if (raw.length() > maxLength * 4) {
            throw new InvalidInputException(field, "longer than " + maxLength + " characters");
        }
        if (isPlainAscii(raw, maxLength, forbidden)) {
            // Printable ASCII without edge spaces is already trimmed and NFC: the common case, checked cheaply.
            return raw;
        }
        String value = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
        if (value.isEmpty()) {
            throw new InvalidInputException(field, "must not be blank");
        }
        if (value.codePointCount(0, value.length()) > maxLength) {
            throw new InvalidInputException(field, "longer than " + maxLength + " characters");
        }
        value.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE
                    || type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
                throw new InvalidInputException(field, String.format("contains a control or invisible character U+%04X", cp));
            }
            if (forbidden.indexOf(cp) >= 0) {
                throw new InvalidInputException(field, "must not contain '" + Character.toString(cp) + "'");
            }
        });
        return value;
    }

    /**
     * Returns a name already checked by {@link #name} unless it has the shape of an id ({@link IdShape}): a name that
     * reads like an id could be taken for one, by people and by look-ups that accept either.
     */
    public static String notIdShaped(String field, String name) {
        if (IdShape.matches(name)) {
            throw new InvalidInputException(field, "must not look like an id (org_, grp_, hbk_, agt_, ins_ or hbs_ and 22 characters)");
        }
        return name;
    }

    private static boolean isPlainAscii(String raw, int maxLength, String forbidden) {
        int n = raw.length();
        if (n == 0 || n > maxLength || raw.charAt(0) == ' ' || raw.charAt(n - 1) == ' ') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c > 0x7e || forbidden.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The case-insensitive comparison key of a name already checked by {@link #name}. */
    public static String foldCase(String name) {
        // Upper then lower folds "ß" and "SS", and the Greek sigmas, to one key.
        return name.toUpperCase(java.util.Locale.ROOT).toLowerCase(java.util.Locale.ROOT);
    }

    /** A value echoed in an error message: shortened and with control characters escaped. */
    public static String quoteForMessage(String value) {
        StringBuilder out = new StringBuilder("\"");
        int limit = Math.min(value.length(), 64);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (value.length() > limit) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
