package com.heartbeatrm.protocol.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one timestamp form of the protocol (docs/protocol.md, section 1): RFC 3339 {@code date-time} with seconds, an
 * optional fraction of 1 to 9 digits, and {@code Z} or a {@code ±hh:mm} offset of at most 18 hours; {@code T} and
 * {@code Z} in either case; at most 40 characters. The JDK's ISO parser alone also takes a missing seconds field,
 * an empty fraction and {@code ±hh} or {@code ±hh:mm:ss} offsets, which an agent in another language would not.
 */
public final class Rfc3339 {
    /** The longest timestamp read. */
    public static final int MAX_LENGTH = 40;
    private static final Pattern FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

    private Rfc3339() {
    }

    /** The instant {@code text} names; empty when it is not of the protocol's form or names no valid time. */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.length() > MAX_LENGTH || !FORM.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
