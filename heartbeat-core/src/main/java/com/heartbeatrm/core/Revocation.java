package com.heartbeatrm.core;

import java.time.Instant;
import java.util.Objects;

/**
 * Who revoked an installer (its token), when and why.
 *
 * @param at when it was revoked
 * @param by who revoked it
 * @param reason why, checked as by {@link Disablement#checkReason}
 */
public record Revocation(Instant at, Actor by, String reason) {
    /**
     * Validates the revocation.
     *
     * @param at when
     * @param by who
     * @param reason why; blank or null becomes {@code "no reason given"}
     * @throws InvalidInputException when the reason is too long or holds a control character
     */
    public Revocation {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(by, "by");
        reason = Disablement.checkReason(reason);
    }
}
