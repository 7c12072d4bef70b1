package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.Timestamps;
import com.heartbeatrm.protocol.StrictJson;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** One routed request as a handler sees it: its captures (decoded), query, JSON body, actor and organization. */
final class Call {
    private static final int DEFAULT_LIMIT = 100;
    final AdminRequest request;
    final Actor actor;
    private final Map<String, String> captures;
    private final Map<String, String> query;
    private final Map<String, Object> body;
    private final Lookup lookup;
    private @Nullable Organization org;
    private @Nullable Scope scope;

    /** With the organization already resolved (and authorized), or null to resolve it when first asked. */
    Call(AdminRequest request, Actor actor, Map<String, String> captures, Map<String, String> query, Map<String, Object> body,
            Lookup lookup, @Nullable Organization org) {
        this.org = org;
        this.request = request;
        this.actor = actor;
        this.captures = captures;
        this.query = query;
        this.body = body;
        this.lookup = lookup;
    }

    /** With the group subtrees this call may act on. */
    Call scoped(Scope s) {
        this.scope = s;
        return this;
    }

    /** The group subtrees this call may act on (every group unless the authorizer narrows them). */
    Scope scope() {
        return Objects.requireNonNull(scope, "a handler's call is scoped before it runs");
    }

    /** A group by id or path, as {@link Lookup#group}, that must lie in this call's scope. */
    Group group(String idOrPath) {
        return scope().check(lookup.group(org(), idOrPath), idOrPath);
    }

    /** A key by id or name, as {@link Lookup#key}, whose group must lie in this call's scope. */
    AccessKey key(String idOrName) {
        return scope().check(lookup.key(org(), idOrName), idOrName);
    }

    /** A path capture, decoded; {@code name} is one the route's pattern declares. */
    String path(String name) {
        return Objects.requireNonNull(captures.get(name), () -> "the route's pattern has no {" + name + "}");
    }

    Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name)).filter(v -> !v.isBlank()).map(String::strip);
    }

    /** The organization named by {@code ?org=} (id or name), or the only one. */
    Organization org() {
        Organization o = org;
        if (o == null) {
            o = lookup.organization(query("org"));
            org = o;
        }
        return o;
    }

    Optional<String> string(String field) {
        return member(field, StrictJson::string);
    }

    String requireString(String field) {
        return string(field).filter(s -> !s.isBlank()).orElseThrow(() -> new InvalidInputException(field, "required"));
    }

    Optional<Long> integer(String field) {
        return member(field, StrictJson::integer);
    }

    Optional<Map<String, Object>> object(String field) {
        return member(field, StrictJson::object);
    }

    List<String> strings(String field, int max) {
        return member(field, (m, name) -> StrictJson.strings(m, name, max));
    }

    /** The page asked for by {@code ?limit=1..1000&after=CURSOR}; 100 items from the start by default. */
    PageRequest page() {
        int limit = DEFAULT_LIMIT;
        Optional<String> l = query("limit");
        if (l.isPresent()) {
            try {
                limit = Integer.parseInt(l.get());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("limit", "must be a whole number from 1 to " + PageRequest.MAX_LIMIT);
            }
            if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
                throw new InvalidInputException("limit", "must be a whole number from 1 to " + PageRequest.MAX_LIMIT);
            }
        }
        Optional<String> after = query("after");
        if (after.isPresent() && after.get().length() > 400) {
            throw new InvalidInputException("after", "not a cursor of this list");
        }
        try {
            return new PageRequest(limit, after);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("after", "not a cursor of this list");
        }
    }

    /**
     * An instant as ISO-8601 ({@code 2026-11-27T10:00:00Z}), or a date ({@code 2026-12-31}, UTC): its start, or with
     * {@code throughDay} the start of the next day, so that an exclusive end or an expiry includes the whole day.
     */
    static Instant instant(String field, String text, boolean throughDay) {
        String t = text.strip();
        Instant at;
        try {
            if (t.length() == 10) {
                at = LocalDate.parse(t).plusDays(throughDay ? 1 : 0).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                at = Instant.parse(t);
            }
        } catch (DateTimeException e) {
            throw new InvalidInputException(field, "expected a date (2026-12-31) or an instant (2026-12-31T23:59:59Z)");
        }
        return Timestamps.check(field, at);
    }

    /** Reads one member of the JSON body; a mistyped one is an {@link InvalidInputException} that names it. */
    private <T> T member(String field, Reader<T> reader) {
        try {
            return reader.read(body, field);
        } catch (StrictJson.JsonException e) {
            throw new InvalidInputException(e.field().orElse(field), Objects.requireNonNullElse(e.getMessage(), "malformed"));
        }
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(Map<String, Object> body, String field) throws StrictJson.JsonException;
    }
}
