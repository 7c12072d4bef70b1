package com.heartbeatrm.core.internal;

import com.heartbeatrm.core.InvalidInputException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people type them ({@code 90s}, {@code 30m}, {@code 24h}, {@code 7d}) or ISO-8601 ({@code PT24H}). */
public final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*([smhd])");

    private Durations() {
    }

    public static Duration parse(String field, String text) {
        if (text == null) {
            throw new InvalidInputException(field, "must not be null");
        }
        String t = text.strip();
        if (t.length() > 40) {
            throw new InvalidInputException(field, "too long");
        }
        Matcher m = SHORT.matcher(t.toLowerCase(java.util.Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidInputException(field, "not a duration (try 30m, 24h, 7d or PT24H): " + TextRules.quoteForMessage(t));
        }
    }
}
