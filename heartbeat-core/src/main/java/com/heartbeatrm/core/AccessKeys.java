package com.heartbeatrm.core;


import com.heartbeatrm.core.spi.HeartbeatStore;
import java.util.Objects;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Access keys: which group a new agent joins. Disabling a key refuses every installer that names it, at once
 * and on every server node sharing the store; re-pointing it changes where future installs land; agents
 * already enrolled are never touched by either.
 */
public final class AccessKeys {
    private final HeartbeatStore store;
    private final Clock clock;
    private final Groups groups;

    AccessKeys(HeartbeatStore store, Clock clock, Groups groups) {
        this.store = store;
        this.clock = clock;
        this.groups = groups;
    }

    public AccessKey create(Actor actor, OrganizationId org, AccessKeySpec spec) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(spec, "spec");
        Instant now = clock.instant();
        Optional<Instant> expiresAt = spec.expiresAt(now);
        if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
            throw new InvalidInputException("expiresAt", "must be in the future");
        }
        EffectiveSettings settings = groups.effectiveSettings(org, spec.group());
        checkFits(settings, now, expiresAt, spec.restrictions());
        AccessKey key = new AccessKey(AccessKeyId.random(), org, spec.name(), spec.group(), false, now, actor, expiresAt,
                spec.maxUses(), 0, Optional.empty(), Optional.empty(), spec.restrictions(), Optional.empty(), 0);
        store.accessKeys().insert(key, AuditEvent.of(now, org, actor, AuditAction.KEY_CREATED, Subject.of(key.id()),
                Map.of(), describe(key, groups.pathOf(org, key.groupId()))));
        return key;
    }

    public AccessKey rename(Actor actor, OrganizationId org, AccessKeyId id, String newName) {
        return rename(actor, org, id, newName, require(org, id).version());
    }

    public AccessKey rename(Actor actor, OrganizationId org, AccessKeyId id, String newName, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        AccessKey.checkNewName(newName);
        AccessKey current = require(org, id);
        AccessKey changed = current.withName(newName);
        return store.accessKeys().update(changed, expectedVersion, AuditEvent.renamed(clock.instant(), org, actor,
                AuditAction.KEY_RENAMED, Subject.of(id), current.name(), changed.name()));
    }

    /**
     * Points the key at another group of the same organization: installers that name the key now enroll agents
     * there, without being regenerated. The key's expiry and restrictions must fit the new group's settings.
     */
    public AccessKey repoint(Actor actor, OrganizationId org, AccessKeyId id, GroupId newGroup) {
        return repoint(actor, org, id, newGroup, require(org, id).version());
    }

    public AccessKey repoint(Actor actor, OrganizationId org, AccessKeyId id, GroupId newGroup, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        AccessKey current = require(org, id);
        EffectiveSettings settings = groups.effectiveSettings(org, Objects.requireNonNull(newGroup, "group"));
        Instant now = clock.instant();
        checkFits(settings, now, current.expiresAt(), current.restrictions());
        return store.accessKeys().update(current.withGroup(newGroup), expectedVersion, AuditEvent.of(now, org, actor,
                AuditAction.KEY_REPOINTED, Subject.of(id), Map.of("group", current.groupId().value()),
                Map.of("group", newGroup.value(), "groupPath", groups.pathOf(org, newGroup))));
    }

    /** Disables the key: every installer that references it is refused from the next enrollment on. */
    public AccessKey disable(Actor actor, OrganizationId org, AccessKeyId id, String reason) {
        return disable(actor, org, id, reason, require(org, id).version());
    }

    public AccessKey disable(Actor actor, OrganizationId org, AccessKeyId id, String reason, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        AccessKey current = require(org, id);
        Instant now = clock.instant();
        Disablement d = new Disablement(now, actor, reason);
        return store.accessKeys().update(current.withDisabled(Optional.of(d)), expectedVersion, AuditEvent.of(now, org,
                actor, AuditAction.KEY_DISABLED, Subject.of(id), Map.of("status", current.status(now).name()),
                Map.of("status", AccessKeyStatus.DISABLED.name(), "reason", d.reason())));
    }

    public AccessKey enable(Actor actor, OrganizationId org, AccessKeyId id) {
        return enable(actor, org, id, require(org, id).version());
    }

    public AccessKey enable(Actor actor, OrganizationId org, AccessKeyId id, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        AccessKey current = require(org, id);
        Instant now = clock.instant();
        AccessKey enabled = current.withDisabled(Optional.empty());
        return store.accessKeys().update(enabled, expectedVersion, AuditEvent.of(now, org, actor, AuditAction.KEY_ENABLED,
                Subject.of(id), Map.of("status", current.status(now).name()), Map.of("status", enabled.status(now).name())));
    }

    /** Deletes the key for good; agents enrolled with it keep working. */
    public void delete(Actor actor, OrganizationId org, AccessKeyId id) {
        delete(actor, org, id, require(org, id).version());
    }

    public void delete(Actor actor, OrganizationId org, AccessKeyId id, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        AccessKey current = require(org, id);
        store.accessKeys().delete(org, id, expectedVersion, AuditEvent.of(clock.instant(), org, actor,
                AuditAction.KEY_DELETED, Subject.of(id), Map.of("name", current.name(), "group", current.groupId().value()),
                Map.of()));
    }

    public Optional<AccessKey> find(OrganizationId org, AccessKeyId id) {
        return store.accessKeys().find(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(id, "key"));
    }

    public AccessKey require(OrganizationId org, AccessKeyId id) {
        Objects.requireNonNull(id, "key");
        return find(org, id).orElseThrow(() -> new NotFoundException("access key", id.value()));
    }

    /** The key's status now, by the injected clock. */
    public AccessKeyStatus status(AccessKey key) {
        return key.status(clock.instant());
    }

    public Page<AccessKey> list(OrganizationId org, PageRequest page) {
        return store.accessKeys().list(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(page, "page"));
    }

    public List<AccessKey> listByGroup(OrganizationId org, GroupId group) {
        groups.require(org, group);
        return store.accessKeys().listByGroup(org, group);
    }

    /** The key the organization got at setup, unless it was deleted. */
    public Optional<AccessKey> defaultKey(OrganizationId org) {
        PageRequest page = PageRequest.first(PageRequest.MAX_LIMIT);
        while (true) {
            Page<AccessKey> p = list(org, page);
            for (AccessKey k : p.items()) {
                if (k.isDefault()) {
                    return Optional.of(k);
                }
            }
            if (!p.hasNext()) {
                return Optional.empty();
            }
            page = page.next(p);
        }
    }

    private static void checkFits(EffectiveSettings settings, Instant now, Optional<Instant> expiresAt, KeyRestrictions r) {
        KeyLifetimeLimit limit = settings.maxKeyLifetime();
        if (!limit.permits(now, expiresAt)) {
            throw new InvalidInputException("expiresAt", expiresAt.isEmpty()
                    ? "the group requires keys to expire within " + limit
                    : "exceeds the group's maximum key lifetime of " + limit);
        }
        if (r.networks().isPresent() && !settings.allowedNetworks().covers(r.networks().get())) {
            throw new InvalidInputException("networks", "must lie within the group's allowed networks ("
                    + settings.allowedNetworks() + ")");
        }
        if (r.platforms().isPresent() && !settings.allowedPlatforms().covers(r.platforms().get())) {
            throw new InvalidInputException("platforms", "must be among the group's allowed platforms ("
                    + settings.allowedPlatforms() + ")");
        }
    }

    static Map<String, String> describe(AccessKey key, String groupPath) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("name", key.name());
        out.put("group", key.groupId().value());
        out.put("groupPath", groupPath);
        out.put("default", String.valueOf(key.isDefault()));
        key.expiresAt().ifPresent(e -> out.put("expiresAt", e.toString()));
        OptionalLong max = key.maxUses();
        max.ifPresent(m -> out.put("maxUses", Long.toString(m)));
        key.restrictions().networks().ifPresent(n -> out.put("networks", n.toString()));
        key.restrictions().platforms().ifPresent(p -> out.put("platforms", p.toString()));
        return out;
    }
}
