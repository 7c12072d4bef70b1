package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.time.Instant;
import java.util.Objects;

/** Who disabled an access key, when and why. */
public record Disablement(Instant at, Actor by, String reason) {
    public static final int MAX_REASON_LENGTH = 500;

    public Disablement {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
        reason = checkReason(reason);
    }

    /** An admin's reason for a change, checked like a name; {@code "no reason given"} when blank or null. */
    public static String checkReason(String reason) {
        return reason == null || reason.isBlank() ? "no reason given" : TextRules.name("reason", reason, MAX_REASON_LENGTH, "");
    }
}
