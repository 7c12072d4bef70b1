package com.heartbeatrm.core;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One change (or one decision) as the audit log keeps it. {@code before} and {@code after} hold the changed
 * attributes in text form; they never hold a secret.
 *
 * @param at when it happened, by the injected clock
 * @param organizationId the organization it happened in
 * @param actor who did it; {@link Actor#SYSTEM} for the SDK's own decisions
 * @param action what happened
 * @param subject what it happened to
 * @param before the changed attributes' old values, sorted by name; empty when none
 * @param after the changed attributes' new values, sorted by name; empty when none
 */
public record AuditEvent(Instant at, OrganizationId organizationId, Actor actor, AuditAction action, Subject subject,
        Map<String, String> before, Map<String, String> after) {
    /** The most attributes {@code before} or {@code after} may hold. */
    public static final int MAX_ATTRIBUTES = 32;
    /** The longest attribute value kept, in characters; longer values are cut to this length. */
    public static final int MAX_VALUE_LENGTH = 2000;

    /**
     * Validates the event and copies the maps into sorted, unmodifiable ones (a null map becomes empty).
     *
     * @param at when it happened, by the injected clock
     * @param organizationId the organization it happened in
     * @param actor who did it; {@link Actor#SYSTEM} for the SDK's own decisions
     * @param action what happened
     * @param subject what it happened to
     * @param before the changed attributes' old values, sorted by name; empty when none
     * @param after the changed attributes' new values, sorted by name; empty when none
     * @throws InvalidInputException when a map holds more than {@link #MAX_ATTRIBUTES} attributes, a name is empty or
     *         over 64 characters, or a value is null
     */
    public AuditEvent {
        Timestamps.check("at", at);
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(subject, "subject");
        before = check("before", before);
        after = check("after", after);
    }

    private static Map<String, String> check(String field, Map<String, String> map) {
        if (map == null) {
            return Map.of();
        }
        if (map.size() > MAX_ATTRIBUTES) {
            throw new InvalidInputException(field, "more than " + MAX_ATTRIBUTES + " attributes");
        }
        TreeMap<String, String> copy = new TreeMap<>();
        map.forEach((k, v) -> {
            if (k == null || k.isEmpty() || k.length() > 64 || v == null) {
                throw new InvalidInputException(field, "attribute names must be 1 to 64 characters and values non-null");
            }
            copy.put(k, v.length() > MAX_VALUE_LENGTH ? v.substring(0, MAX_VALUE_LENGTH) : v);
        });
        return Collections.unmodifiableMap(copy);
    }

    /**
     * An event, as by the constructor.
     *
     * @param at when it happened
     * @param org the organization
     * @param actor who did it
     * @param action what happened
     * @param subject what it happened to
     * @param before old values, or null for none
     * @param after new values, or null for none
     * @return the event
     */
    public static AuditEvent of(Instant at, OrganizationId org, Actor actor, AuditAction action, Subject subject,
            Map<String, String> before, Map<String, String> after) {
        return new AuditEvent(at, org, actor, action, subject, before, after);
    }

    /** The record of a rename, the same for every named thing: the old name before, the new one after. */
    static AuditEvent renamed(Instant at, OrganizationId org, Actor actor, AuditAction action, Subject subject, String from,
            String to) {
        return of(at, org, actor, action, subject, Map.of("name", from), Map.of("name", to));
    }
}
