package com.heartbeatrm.core;

import java.util.Locale;

/** Operating system families an agent can run on. */
public enum Platform {
    WINDOWS,
    MACOS,
    LINUX;

    /** The lower-case wire name: {@code windows}, {@code macos}, {@code linux}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Platform parse(String text) {
        if (text != null) {
            String t = text.strip().toLowerCase(Locale.ROOT);
            for (Platform p : values()) {
                if (p.wireName().equals(t)) {
                    return p;
                }
            }
        }
        throw new InvalidInputException("platform", "expected one of windows, macos, linux but got "
                + (text == null ? "null" : com.heartbeatrm.core.internal.TextRules.quoteForMessage(text)));
    }
}
