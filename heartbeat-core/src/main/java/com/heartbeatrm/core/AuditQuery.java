package com.heartbeatrm.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which audit records to list: one organization, optionally one subject and a time window
 * ({@code from} inclusive, {@code to} exclusive). Results come oldest first.
 *
 * @param organizationId the organization
 * @param subject only records about this object, or empty for all
 * @param from the earliest instant included, or empty
 * @param to the first instant excluded, or empty; after {@code from} when both are present
 * @param page where to start and how many
 */
public record AuditQuery(OrganizationId organizationId, Optional<Subject> subject, Optional<Instant> from,
        Optional<Instant> to, PageRequest page) {
    /**
     * Validates the window.
     *
     * @param organizationId the organization
     * @param subject only records about this object, or empty for all
     * @param from the earliest instant included, or empty
     * @param to the first instant excluded, or empty; after {@code from} when both are present
     * @param page where to start and how many
     * @throws InvalidInputException when {@code to} is not after {@code from}
     */
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

    /**
     * Every record of the organization, first page of {@link PageRequest#MAX_LIMIT} records.
     *
     * @param org the organization
     * @return the query
     */
    public static AuditQuery all(OrganizationId org) {
        return new AuditQuery(org, Optional.empty(), Optional.empty(), Optional.empty(), PageRequest.first(PageRequest.MAX_LIMIT));
    }

    /**
     * The same query, narrowed to one subject.
     *
     * @param s the object the records must be about
     * @return a new query
     */
    public AuditQuery forSubject(Subject s) {
        return new AuditQuery(organizationId, Optional.of(s), from, to, page);
    }

    /**
     * The same query, narrowed to a time window.
     *
     * @param fromInclusive the earliest instant included
     * @param toExclusive the first instant excluded, after {@code fromInclusive}
     * @return a new query
     */
    public AuditQuery between(Instant fromInclusive, Instant toExclusive) {
        return new AuditQuery(organizationId, subject, Optional.of(fromInclusive), Optional.of(toExclusive), page);
    }

    /**
     * The same query for another page.
     *
     * @param p the page
     * @return a new query
     */
    public AuditQuery withPage(PageRequest p) {
        return new AuditQuery(organizationId, subject, from, to, p);
    }

    /**
     * True when the event matches the subject and time filters (not the organization).
     *
     * @param e the event
     * @return whether it passes the filters
     */
    public boolean matches(AuditEvent e) {
        return subject.map(s -> s.equals(e.subject())).orElse(true)
                && from.map(f -> !e.at().isBefore(f)).orElse(true)
                && to.map(t -> e.at().isBefore(t)).orElse(true);
    }
}
