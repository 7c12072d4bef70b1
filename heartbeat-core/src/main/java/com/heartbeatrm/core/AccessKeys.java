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
public final class AccessKeys extends AdminSection {
    private final Groups groups;

    AccessKeys(HeartbeatStore store, Clock clock, Groups groups) {
        super(store, clock);
        this.groups = groups;
    }

    /**
     * Creates a key in the organization and audits {@link AuditAction#KEY_CREATED}. A relative expiry is resolved
     * against the injected clock.
     *
     * @param actor who creates the key
     * @param org the organization
     * @param spec what to create
     * @return the stored key, version 0
     * @throws NotFoundException when the group is not in the organization
     * @throws InvalidInputException when the expiry is not in the future, exceeds the group's maximum key lifetime,
     *         or the restrictions widen the group's
     */
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

    /**
     * Renames the key at its current version; audits {@link AuditAction#KEY_RENAMED}.
     *
     * @param actor who renames it
     * @param org the organization
     * @param id the key
     * @param newName 1 to {@link AccessKey#MAX_NAME_LENGTH} characters, not shaped like an id
     * @return the renamed key
     * @throws NotFoundException when the key is not in the organization
     */
    public AccessKey rename(Actor actor, OrganizationId org, AccessKeyId id, String newName) {
        return rename(actor, org, id, newName, require(org, id).version());
    }

    /**
     * Renames the key if it is still at {@code expectedVersion}; audits {@link AuditAction#KEY_RENAMED}.
     *
     * @param actor who renames it
     * @param org the organization
     * @param id the key
     * @param newName 1 to {@link AccessKey#MAX_NAME_LENGTH} characters, not shaped like an id
     * @param expectedVersion the version the caller read
     * @return the renamed key
     * @throws StaleVersionException when the key changed since it was read
     */
    public AccessKey rename(Actor actor, OrganizationId org, AccessKeyId id, String newName, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        AccessKey.checkNewName(newName);
        return rename(actor, org, Subject.of(id), AuditAction.KEY_RENAMED, require(org, id), newName, expectedVersion,
                store.accessKeys()::update);
    }

    /**
     * Points the key at another group of the same organization: installers that name the key now enroll agents
     * there, without being regenerated. The key's expiry and restrictions must fit the new group's settings.
     * Audits {@link AuditAction#KEY_REPOINTED}.
     *
     * @param actor who re-points it
     * @param org the organization
     * @param id the key
     * @param newGroup the group future enrollments join
     * @return the changed key
     * @throws NotFoundException when the key or the group is not in the organization
     * @throws InvalidInputException when the key does not fit the new group's settings
     */
    public AccessKey repoint(Actor actor, OrganizationId org, AccessKeyId id, GroupId newGroup) {
        return repoint(actor, org, id, newGroup, require(org, id).version());
    }

    /**
     * As {@link #repoint(Actor, OrganizationId, AccessKeyId, GroupId)}, if the key is still at {@code expectedVersion}.
     *
     * @param actor who re-points it
     * @param org the organization
     * @param id the key
     * @param newGroup the group future enrollments join
     * @param expectedVersion the version the caller read
     * @return the changed key
     * @throws StaleVersionException when the key changed since it was read
     */
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

    /**
     * Disables the key: every installer that references it is refused from the next enrollment on. Audits
     * {@link AuditAction#KEY_DISABLED} with the reason.
     *
     * @param actor who disables it
     * @param org the organization
     * @param id the key
     * @param reason why, kept in the audit record; never put a secret here
     * @return the disabled key
     * @throws NotFoundException when the key is not in the organization
     */
    public AccessKey disable(Actor actor, OrganizationId org, AccessKeyId id, String reason) {
        return disable(actor, org, id, reason, require(org, id).version());
    }

    /**
     * As {@link #disable(Actor, OrganizationId, AccessKeyId, String)}, if the key is still at {@code expectedVersion}.
     *
     * @param actor who disables it
     * @param org the organization
     * @param id the key
     * @param reason why, kept in the audit record
     * @param expectedVersion the version the caller read
     * @return the disabled key
     * @throws StaleVersionException when the key changed since it was read
     */
    public AccessKey disable(Actor actor, OrganizationId org, AccessKeyId id, String reason, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        AccessKey current = require(org, id);
        Instant now = clock.instant();
        Disablement d = new Disablement(now, actor, reason);
        return store.accessKeys().update(current.withDisabled(Optional.of(d)), expectedVersion, AuditEvent.of(now, org,
                actor, AuditAction.KEY_DISABLED, Subject.of(id), Map.of("status", current.status(now).name()),
                Map.of("status", AccessKeyStatus.DISABLED.name(), "reason", d.reason())));
    }

    /**
     * Lifts a disablement; the key admits agents again unless it is expired or exhausted. Audits
     * {@link AuditAction#KEY_ENABLED}.
     *
     * @param actor who enables it
     * @param org the organization
     * @param id the key
     * @return the changed key
     * @throws NotFoundException when the key is not in the organization
     */
    public AccessKey enable(Actor actor, OrganizationId org, AccessKeyId id) {
        return enable(actor, org, id, require(org, id).version());
    }

    /**
     * As {@link #enable(Actor, OrganizationId, AccessKeyId)}, if the key is still at {@code expectedVersion}.
     *
     * @param actor who enables it
     * @param org the organization
     * @param id the key
     * @param expectedVersion the version the caller read
     * @return the changed key
     * @throws StaleVersionException when the key changed since it was read
     */
    public AccessKey enable(Actor actor, OrganizationId org, AccessKeyId id, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        AccessKey current = require(org, id);
        Instant now = clock.instant();
        AccessKey enabled = current.withDisabled(Optional.empty());
        return store.accessKeys().update(enabled, expectedVersion, AuditEvent.of(now, org, actor, AuditAction.KEY_ENABLED,
                Subject.of(id), Map.of("status", current.status(now).name()), Map.of("status", enabled.status(now).name())));
    }

    /**
     * Deletes the key for good; agents enrolled with it keep working, installers naming it are refused. Audits
     * {@link AuditAction#KEY_DELETED}.
     *
     * @param actor who deletes it
     * @param org the organization
     * @param id the key
     * @throws NotFoundException when the key is not in the organization
     */
    public void delete(Actor actor, OrganizationId org, AccessKeyId id) {
        delete(actor, org, id, require(org, id).version());
    }

    /**
     * As {@link #delete(Actor, OrganizationId, AccessKeyId)}, if the key is still at {@code expectedVersion}.
     *
     * @param actor who deletes it
     * @param org the organization
     * @param id the key
     * @param expectedVersion the version the caller read
     * @throws StaleVersionException when the key changed since it was read
     */
    public void delete(Actor actor, OrganizationId org, AccessKeyId id, long expectedVersion) {
        Objects.requireNonNull(actor, "actor");
        AccessKey current = require(org, id);
        store.accessKeys().delete(org, id, expectedVersion, AuditEvent.of(clock.instant(), org, actor,
                AuditAction.KEY_DELETED, Subject.of(id), Map.of("name", current.name(), "group", current.groupId().value()),
                Map.of()));
    }

    /**
     * Looks a key up; a key of another organization is not found.
     *
     * @param org the organization
     * @param id the key
     * @return the key, or empty
     */
    public Optional<AccessKey> find(OrganizationId org, AccessKeyId id) {
        return store.accessKeys().find(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(id, "key"));
    }

    /**
     * As {@link #find}, for callers that expect the key to exist.
     *
     * @param org the organization
     * @param id the key
     * @return the key
     * @throws NotFoundException when the key is not in the organization
     */
    public AccessKey require(OrganizationId org, AccessKeyId id) {
        Objects.requireNonNull(id, "key");
        return find(org, id).orElseThrow(() -> new NotFoundException("access key", id.value()));
    }

    /**
     * The key's status now, by the injected clock.
     *
     * @param key the key
     * @return its status
     */
    public AccessKeyStatus status(AccessKey key) {
        return key.status(clock.instant());
    }

    /**
     * One page of the organization's keys, in a stable order.
     *
     * @param org the organization
     * @param page where to start and how many, at most {@link PageRequest#MAX_LIMIT}
     * @return the page
     */
    public Page<AccessKey> list(OrganizationId org, PageRequest page) {
        return store.accessKeys().list(Objects.requireNonNull(org, "organization"), Objects.requireNonNull(page, "page"));
    }

    /**
     * Every key that points at the group (not its subgroups).
     *
     * @param org the organization
     * @param group the group
     * @return the keys, possibly none
     * @throws NotFoundException when the group is not in the organization
     */
    public List<AccessKey> listByGroup(OrganizationId org, GroupId group) {
        groups.require(org, group);
        return store.accessKeys().listByGroup(org, group);
    }

    /**
     * The key the organization got at setup, unless it was deleted. Pages through all keys.
     *
     * @param org the organization
     * @return the default key, or empty
     */
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
