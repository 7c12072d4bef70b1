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
 * HeartbeatAdmin admin = HeartbeatAdmin.of(new InMemoryHeartbeatStore(), Clock.systemUTC());   // any store, any clock
 * NewOrganization acme = admin.organizations().setUp(Actor.of("alice"), "Acme MSP");
 * Group customerA = admin.groups().create(Actor.of("alice"), acme.id(), acme.rootGroup().id(), "Customer A");
 * AccessKey key = admin.accessKeys().create(Actor.of("alice"), acme.id(),
 *         AccessKeySpec.builder("Customer A Access Key", customerA.id()).build());
 * }</pre>
 */
public final class HeartbeatAdmin {
    private final Clock clock;
    private final Organizations organizations;
    private final Groups groups;
    private final AccessKeys accessKeys;
    private final Agents agents;
    private final AuditLog audit;

    private HeartbeatAdmin(HeartbeatStore store, Clock clock) {
        this.clock = clock;
        this.groups = new Groups(store, clock);
        this.organizations = new Organizations(store, clock);
        this.accessKeys = new AccessKeys(store, clock, groups);
        this.agents = new Agents(store, clock, groups);
        this.audit = new AuditLog(store);
    }

    /**
     * An admin API over {@code store}, on {@code clock}: for a host that uses the core alone. With a server, take
     * {@code HeartbeatServer.admin()}, which is this over the server's store and clock. The admin never hands its
     * store out: every audited change is one call of the store, in one transaction.
     */
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

    public Clock clock() {
        return clock;
    }
}
