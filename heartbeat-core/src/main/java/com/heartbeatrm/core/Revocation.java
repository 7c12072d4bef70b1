package com.heartbeatrm.core;

import java.time.Instant;
import java.util.Objects;

/** Who revoked an installer (its token), when and why. */
public record Revocation(Instant at, Actor by, String reason) {
    public Revocation {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
        reason = Disablement.checkReason(reason);
    }
}
