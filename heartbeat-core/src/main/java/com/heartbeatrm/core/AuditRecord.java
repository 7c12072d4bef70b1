package com.heartbeatrm.core;

import java.util.Objects;

/**
 * An audit event as stored, with the sequence number the store gave it (increasing in append order).
 *
 * @param sequence the store's number, positive and increasing in append order
 * @param event the event
 */
public record AuditRecord(long sequence, AuditEvent event) {
    /**
     * Validates the sequence number.
     *
     * @param sequence positive
     * @param event the event
     * @throws InvalidInputException when {@code sequence} is not positive
     */
    public AuditRecord {
        if (sequence <= 0) {
            throw new InvalidInputException("sequence", "must be positive");
        }
        Objects.requireNonNull(event, "event");
    }
}
