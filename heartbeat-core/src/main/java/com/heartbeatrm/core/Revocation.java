package com.heartbeatrm.core;

import com.heartbeatrm.core.internal.TextRules;
import java.time.Instant;
import java.util.Objects;

/** Who revoked an installer (its token), when and why. */
public record Revocation(Instant at, Actor by, String reason) {
    public Revocation {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
        reason = reason == null || reason.isBlank() ? "no reason given" : TextRules.name("reason", reason, Disablement.MAX_REASON_LENGTH, "");
    }
}
