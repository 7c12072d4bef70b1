package com.heartbeatrm.core;

import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.spi.HeartbeatStore;
import java.time.Clock;
import java.util.Objects;

/**
 * The administrative side of the SDK: organizations, the group tree and its security settings, access keys,
 * agents and the audit log, over any {@link HeartbeatStore}. Thread-safe; create one per store and share it.
 * The host authenticates admins and passes the acting {@link Actor} to every change.
 *
 * <pre>{@code
 * HeartbeatAdmin admin = HeartbeatAdmin.of(new InMemoryHeartbeatStore());   // any store; the UTC system clock
 * NewOrganization acme = admin.organizations().setUp(Actor.of("alice"), "Acme MSP");
 * Group customerA = admin.groups().create(Actor.of("alice"), acme.id(), acme.rootGroup().id(), "Customer A");
 * AccessKey key = admin.accessKeys().create(Actor.of("alice"), acme.id(),
 *         AccessKeySpec.builder("Customer A Access Key", customerA.id()).build());
 * }</pre>
 */
public final class HeartbeatAdmin {
    private final HeartbeatStore store;
    private final Clock clock;
    private final Organizations organizations;
    private final Groups groups;
    private final AccessKeys accessKeys;
    private final Agents agents;
    private final AuditLog audit;

    private HeartbeatAdmin(HeartbeatStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.groups = new Groups(store, clock);
        this.organizations = new Organizations(store, clock);
        this.accessKeys = new AccessKeys(store, clock, groups);
        this.agents = new Agents(store, clock, groups);
        this.audit = new AuditLog(store);
    }

    /** An admin API over {@code store}, on the UTC system clock. */
    public static HeartbeatAdmin of(HeartbeatStore store) {
        return of(store, Clock.systemUTC());
    }

    /** An admin API over {@code store}, on {@code clock}. */
    public static HeartbeatAdmin of(HeartbeatStore store, Clock clock) {
        return new HeartbeatAdmin(Objects.requireNonNull(store, "store"), Objects.requireNonNull(clock, "clock"));
    }

    public Organizations organizations() {
        return organizations;
    }

    public Groups groups() {
        return groups;
    }

    public AccessKeys accessKeys() {
        return accessKeys;
    }

    public Agents agents() {
        return agents;
    }

    public AuditLog audit() {
        return audit;
    }

    public HeartbeatStore store() {
        return store;
    }

    public Clock clock() {
        return clock;
    }
}
