package com.heartbeatrm.core;

import java.util.Locale;

/** Operating system families an agent can run on. */
public enum Platform {
    /** Microsoft Windows. */
    WINDOWS,
    /** Apple macOS. */
    MACOS,
    /** Linux distributions. */
    LINUX;

    /**
     * The lower-case wire name: {@code windows}, {@code macos}, {@code linux}.
     *
     * @return the wire name
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name, ignoring case and surrounding spaces.
     *
     * @param text {@code windows}, {@code macos} or {@code linux}
     * @return the platform
     * @throws InvalidInputException when the text names no platform
     */
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
