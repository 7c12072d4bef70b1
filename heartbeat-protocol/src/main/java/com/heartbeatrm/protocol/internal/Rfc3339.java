package com.heartbeatrm.protocol.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The one timestamp form of the protocol (docs/protocol.md, section 1): RFC 3339 {@code date-time} with seconds, an
 * optional fraction of 1 to 9 digits, and {@code Z} or a {@code ±hh:mm} offset of at most 18 hours; {@code T} and
 * {@code Z} in either case; at most 40 characters. The JDK's ISO parser alone also takes a missing seconds field,
 * an empty fraction and {@code ±hh} or {@code ±hh:mm:ss} offsets, which an agent in another language would not.
 *
 * <p>Read character by character (every request and credential carries timestamps: a regular expression and the
 * JDK's formatter were a measurable share of a renewal's CPU); the fields' ranges are {@code java.time}'s own checks
 * (month, day of that month, hour 0-23, minute and second 0-59, offset at most 18:00), so it accepts exactly what
 * the form plus {@link java.time.OffsetDateTime#parse} accepted before (Rfc3339Test compares the two).
 */
public final class Rfc3339 {
    /** The longest timestamp read. */
    public static final int MAX_LENGTH = 40;
    /** {@code yyyy-mm-ddThh:mm:ss} and a one-character offset. */
    private static final int MIN_LENGTH = 20;

    private Rfc3339() {
    }

    /** The instant {@code text} names; empty when it is not of the protocol's form or names no valid time. */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.length() < MIN_LENGTH || text.length() > MAX_LENGTH || !digits(text, 0, 4) || text.charAt(4) != '-'
                || !digits(text, 5, 2) || text.charAt(7) != '-' || !digits(text, 8, 2) || (text.charAt(10) != 'T' && text.charAt(10) != 't')
                || !digits(text, 11, 2) || text.charAt(13) != ':' || !digits(text, 14, 2) || text.charAt(16) != ':' || !digits(text, 17, 2)) {
            return Optional.empty();
        }
        int at = 19;
        int nanos = 0;
        if (text.charAt(at) == '.') {
            int start = ++at;
            while (at < text.length() && isDigit(text.charAt(at))) {
                at++;
            }
            int n = at - start;
            if (n < 1 || n > 9) {
                return Optional.empty();
            }
            nanos = number(text, start, n);
            for (int i = n; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (at >= text.length()) {
            return Optional.empty();
        }
        char c = text.charAt(at);
        try {
            ZoneOffset offset;
            if ((c == 'Z' || c == 'z') && at + 1 == text.length()) {
                offset = ZoneOffset.UTC;
            } else if ((c == '+' || c == '-') && at + 6 == text.length() && digits(text, at + 1, 2) && text.charAt(at + 3) == ':'
                    && digits(text, at + 4, 2)) {
                int sign = c == '-' ? -1 : 1;
                offset = ZoneOffset.ofHoursMinutes(sign * number(text, at + 1, 2), sign * number(text, at + 4, 2));
            } else {
                return Optional.empty();
            }
            LocalDateTime local = LocalDateTime.of(number(text, 0, 4), number(text, 5, 2), number(text, 8, 2), number(text, 11, 2),
                    number(text, 14, 2), number(text, 17, 2), nanos);
            return Optional.of(local.toInstant(offset));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean digits(String s, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The value of {@code count} ASCII digits (checked before) at {@code from}; at most 9 digits. */
    private static int number(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }
}
