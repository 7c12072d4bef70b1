package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.time.Instant;
import java.util.Objects;

/**
 * Who disabled an access key, when and why.
 *
 * @param at when it was disabled
 * @param by who disabled it
 * @param reason why, checked by {@link #checkReason}
 */
public record Disablement(Instant at, Actor by, String reason) {
    /** The longest reason, in characters. */
    public static final int MAX_REASON_LENGTH = 500;

    /**
     * Validates the disablement.
     *
     * @param at when
     * @param by who
     * @param reason why; blank or null becomes {@code "no reason given"}
     * @throws InvalidInputException when the reason is longer than {@link #MAX_REASON_LENGTH} or holds a control character
     */
    public Disablement {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
        reason = checkReason(reason);
    }

    /**
     * An admin's reason for a change, checked like a name; {@code "no reason given"} when blank or null.
     *
     * @param reason the reason as typed, or null
     * @return the trimmed reason
     * @throws InvalidInputException when it is too long or holds a control character
     */
    public static String checkReason(String reason) {
        return reason == null || reason.isBlank() ? "no reason given" : TextRules.name("reason", reason, MAX_REASON_LENGTH, "");
    }
}
