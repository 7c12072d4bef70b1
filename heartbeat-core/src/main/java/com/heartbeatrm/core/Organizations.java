package com.heartbeatrm.core;


import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.core.spi.OrganizationSetup;
import java.util.Objects;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Organizations: set one up, look them up. */
public final class Organizations extends AdminSection {
    /** The name of the key every organization gets at setup. */
    public static final String DEFAULT_KEY_NAME = "Default access key";

    Organizations(HeartbeatStore store, Clock clock) {
        super(store, clock);
    }

    /**
     * Sets up an organization atomically: the organization, its root group (named like the organization) and a
     * default access key pointing at the root group. Names are unique per store, compared case-insensitively.
     * Audits {@link AuditAction#ORGANIZATION_CREATED}, {@link AuditAction#GROUP_CREATED} and
     * {@link AuditAction#KEY_CREATED} in the same transaction.
     *
     * @param actor who sets it up
     * @param name 1 to {@link Organization#MAX_NAME_LENGTH} characters, not shaped like an id
     * @return what was created
     * @throws DuplicateNameException when the name is taken
     */
    public NewOrganization setUp(Actor actor, String name) {
        Objects.requireNonNull(actor, "actor");
        String checked = Organization.checkNewName(name);
        Instant now = clock.instant();
        OrganizationId orgId = OrganizationId.random();
        GroupId rootId = GroupId.random();
        Organization org = new Organization(orgId, checked, rootId, now);
        Group root = new Group(rootId, orgId, Optional.empty(), checked, GroupSettings.NONE, now, 0);
        AccessKey key = new AccessKey(AccessKeyId.random(), orgId, DEFAULT_KEY_NAME, rootId, true, now, actor,
                Optional.empty(), OptionalLong.empty(), 0, Optional.empty(), Optional.empty(), KeyRestrictions.NONE,
                Optional.empty(), 0);
        List<AuditEvent> audit = List.of(
                AuditEvent.of(now, orgId, actor, AuditAction.ORGANIZATION_CREATED, Subject.of(orgId), Map.of(),
                        Map.of("name", checked, "rootGroup", rootId.value())),
                AuditEvent.of(now, orgId, actor, AuditAction.GROUP_CREATED, Subject.of(rootId), Map.of(),
                        Map.of("name", checked)),
                AuditEvent.of(now, orgId, actor, AuditAction.KEY_CREATED, Subject.of(key.id()), Map.of(),
                        AccessKeys.describe(key, "/")));
        store.organizations().create(new OrganizationSetup(org, root, key, audit));
        return new NewOrganization(org, root, key);
    }

    /**
     * Looks an organization up.
     *
     * @param id the organization
     * @return it, or empty
     */
    public Optional<Organization> find(OrganizationId id) {
        return store.organizations().find(Objects.requireNonNull(id, "id"));
    }

    /**
     * As {@link #find}, for callers that expect the organization to exist.
     *
     * @param id the organization
     * @return it
     * @throws NotFoundException when there is none with this id
     */
    public Organization require(OrganizationId id) {
        return find(id).orElseThrow(() -> new NotFoundException("organization", id.value()));
    }

    /**
     * Looks an organization up by name, ignoring case.
     *
     * @param name the name as typed
     * @return it, or empty
     */
    public Optional<Organization> findByName(String name) {
        return store.organizations().findByName(name);
    }

    /**
     * One page of every organization in the store, in a stable order.
     *
     * @param page where to start and how many
     * @return the page
     */
    public Page<Organization> list(PageRequest page) {
        return store.organizations().list(page);
    }
}
