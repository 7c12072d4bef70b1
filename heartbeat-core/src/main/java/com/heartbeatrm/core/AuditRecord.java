package com.heartbeatrm.core;

import java.util.Objects;

/** An audit event as stored, with the sequence number the store gave it (increasing in append order). */
public record AuditRecord(long sequence, AuditEvent event) {
    public AuditRecord {
        if (sequence <= 0) {
            throw new InvalidInputException("sequence", "must be positive");
        }
        Objects.requireNonNull(event, "event");
    }
}
