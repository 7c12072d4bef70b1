package com.heartbeatrm.enrollment.admin;

import com.heartbeatrm.agent.internal.StrictJson;
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.Organization;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One routed request as a handler sees it: its captures (decoded), query, JSON body, actor and organization. */
final class Call {
    final AdminRequest request;
    final Actor actor;
    private final Map<String, String> captures;
    private final Map<String, String> query;
    private final Map<String, Object> body;
    private final Lookup lookup;
    private Organization org;
    private Scope scope;

    /** With the organization already resolved (and authorized), or null to resolve it when first asked. */
    Call(AdminRequest request, Actor actor, Map<String, String> captures, Map<String, String> query, Map<String, Object> body,
            Lookup lookup, Organization org) {
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
        return scope;
    }

    /** A group by id or path, as {@link Lookup#group}, that must lie in this call's scope. */
    Group group(String idOrPath) {
        return scope.check(lookup.group(org(), idOrPath), idOrPath);
    }

    /** A key by id or name, as {@link Lookup#key}, whose group must lie in this call's scope. */
    AccessKey key(String idOrName) {
        return scope.check(lookup.key(org(), idOrName), idOrName);
    }

    /** A path capture, decoded. */
    String path(String name) {
        return captures.get(name);
    }

    Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name)).filter(v -> !v.isBlank()).map(String::strip);
    }

    /** The organization named by {@code ?org=} (id or name), or the only one. */
    Organization org() {
        if (org == null) {
            org = lookup.organization(query("org"));
        }
        return org;
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

    /** Reads one member of the JSON body; a mistyped one is an {@link InvalidInputException} that names it. */
    private <T> T member(String field, Reader<T> reader) {
        try {
            return reader.read(body, field);
        } catch (StrictJson.JsonException e) {
            throw new InvalidInputException(e.field().orElse(field), e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(Map<String, Object> body, String field) throws StrictJson.JsonException;
    }
}
