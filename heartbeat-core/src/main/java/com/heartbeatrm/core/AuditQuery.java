package com.heartbeatrm.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which audit records to list: one organization, optionally one subject and a time window
 * ({@code from} inclusive, {@code to} exclusive). Results come oldest first.
 */
public record AuditQuery(OrganizationId organizationId, Optional<Subject> subject, Optional<Instant> from,
        Optional<Instant> to, PageRequest page) {
    public AuditQuery {
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(from, "from").ifPresent(t -> Timestamps.check("from", t));
        Objects.requireNonNull(to, "to").ifPresent(t -> Timestamps.check("to", t));
        Objects.requireNonNull(page, "page");
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new InvalidInputException("to", "must be after from");
        }
    }

    public static AuditQuery all(OrganizationId org) {
        return new AuditQuery(org, Optional.empty(), Optional.empty(), Optional.empty(), PageRequest.first(PageRequest.MAX_LIMIT));
    }

    public AuditQuery forSubject(Subject s) {
        return new AuditQuery(organizationId, Optional.of(s), from, to, page);
    }

    public AuditQuery between(Instant fromInclusive, Instant toExclusive) {
        return new AuditQuery(organizationId, subject, Optional.of(fromInclusive), Optional.of(toExclusive), page);
    }

    public AuditQuery withPage(PageRequest p) {
        return new AuditQuery(organizationId, subject, from, to, p);
    }

    /** True when the event matches the subject and time filters (not the organization). */
    public boolean matches(AuditEvent e) {
        return subject.map(s -> s.equals(e.subject())).orElse(true)
                && from.map(f -> !e.at().isBefore(f)).orElse(true)
                && to.map(t -> e.at().isBefore(t)).orElse(true);
    }
}
