package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.AuditEvent;
import com.heartbeatrm.core.AuditRecord;
import com.heartbeatrm.core.ConflictException;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupId;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NotFoundException;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.Page;
import com.heartbeatrm.core.PageRequest;
import com.heartbeatrm.core.spi.Cursors;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What the in-memory stores share: the tenants by organization, the organization name index and the audit sequence,
 * and the helpers that run a body inside one tenant's monitor.
 */
final class TenantState {
    final Map<OrganizationId, Tenant> tenants = new ConcurrentHashMap<>();
    final Map<String, OrganizationId> orgsByNameKey = new HashMap<>();
    private final AtomicLong auditSequence = new AtomicLong();

    /** The value stored under {@code id}, or a {@link NotFoundException} naming it. */
    static <K, V> V existing(Map<K, V> map, K id, String kind, String idText) {
        V v = map.get(id);
        if (v == null) {
            throw new NotFoundException(kind, idText);
        }
        return v;
    }

    /** Refuses an id that is taken already. */
    static <K> void requireNew(Map<K, ?> map, K id, String what) {
        if (map.containsKey(id)) {
            throw new ConflictException(what + " already exists: " + id);
        }
    }

    Optional<Tenant> tenant(OrganizationId org) {
        return Optional.ofNullable(tenants.get(org));
    }

    Tenant requireTenant(OrganizationId org) {
        Tenant t = tenants.get(org);
        if (t == null) {
            throw new NotFoundException("organization", org.value());
        }
        return t;
    }

    /** Runs {@code body} inside the tenant's monitor; an unknown organization reads as {@code empty}. */
    <T> T read(OrganizationId org, T empty, Function<Tenant, T> body) {
        Tenant t = tenants.get(org);
        if (t == null) {
            return empty;
        }
        synchronized (t) {
            return body.apply(t);
        }
    }

    <T> T write(OrganizationId org, Function<Tenant, T> body) {
        Tenant t = requireTenant(org);
        synchronized (t) {
            return body.apply(t);
        }
    }

    /**
     * Replaces the row under {@code id}, which must still be at {@code expectedVersion}, with what {@code change} makes
     * of it (inside the tenant's monitor, which it may also check or update), and appends {@code audit}.
     */
    <K, V> V update(OrganizationId org, VersionedTable<K, V> table, K id, long expectedVersion, AuditEvent audit,
            BiFunction<Tenant, V, V> change) {
        return write(org, t -> {
            V stored = change.apply(t, table.current(t, id, expectedVersion));
            table.rows().apply(t).put(id, stored);
            appendAudit(t, audit);
            return stored;
        });
    }

    /**
     * Removes the row under {@code id}, which must still be at {@code expectedVersion}, with what {@code alsoRemove}
     * drops beside it, and appends {@code audit}.
     */
    <K, V> void delete(OrganizationId org, VersionedTable<K, V> table, K id, long expectedVersion, AuditEvent audit,
            BiConsumer<Tenant, V> alsoRemove) {
        write(org, t -> {
            V current = table.current(t, id, expectedVersion);
            table.rows().apply(t).remove(id);
            alsoRemove.accept(t, current);
            appendAudit(t, audit);
            return null;
        });
    }

    /** Remembers a nonce until {@code expiresAt}; purges expired ones at most once a minute. */
    static void rememberNonce(Tenant t, String key, Instant expiresAt, Instant now) {
        if (now.isAfter(t.nextNoncePurge)) {
            t.nonces.values().removeIf(e -> !e.isAfter(now));
            t.nextNoncePurge = now.plusSeconds(60);
        }
        t.nonces.put(key, expiresAt);
    }

    static boolean nonceSeen(Tenant t, String key, Instant now) {
        Instant e = t.nonces.get(key);
        return e != null && e.isAfter(now);
    }

    static List<Group> pathFromRoot(Tenant t, GroupId id) {
        Group g = t.groups.get(id);
        if (g == null) {
            return List.of();
        }
        ArrayList<Group> path = new ArrayList<>();
        path.add(g);
        while (g.parentId().isPresent()) {
            g = t.group(g.parentId().get());
            path.add(g);
        }
        Collections.reverse(path);
        return List.copyOf(path);
    }

    void appendAudit(Tenant t, AuditEvent event) {
        if (!event.organizationId().equals(t.organization.id())) {
            throw new InvalidInputException("audit", "event belongs to another organization");
        }
        t.audit.add(new AuditRecord(auditSequence.incrementAndGet(), event));
    }

    static <T> Page<T> page(Stream<T> items, Function<T, Instant> at, Function<T, String> id, PageRequest request) {
        Comparator<T> order = Comparator.comparing(at).thenComparing(id);
        Stream<T> sorted = items.sorted(order);
        if (request.after().isPresent()) {
            Cursors.Position after = Cursors.parse(request.after().get());
            sorted = sorted.filter(item -> Cursors.Position.ORDER.compare(new Cursors.Position(at.apply(item), id.apply(item)), after) > 0);
        }
        List<T> taken = sorted.limit(request.limit() + 1L).toList();
        if (taken.size() > request.limit()) {
            List<T> items2 = taken.subList(0, request.limit());
            T last = items2.get(items2.size() - 1);
            return new Page<>(items2, Optional.of(Cursors.of(at.apply(last), id.apply(last))));
        }
        return new Page<>(taken, Optional.empty());
    }
}
