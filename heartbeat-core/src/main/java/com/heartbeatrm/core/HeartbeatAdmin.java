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
    private final AttestationTrustAdmin attestation;

    private HeartbeatAdmin(HeartbeatStore store, Clock clock) {
        this.clock = clock;
        this.groups = new Groups(store, clock);
        this.organizations = new Organizations(store, clock);
        this.accessKeys = new AccessKeys(store, clock, groups);
        this.agents = new Agents(store, clock, groups);
        this.audit = new AuditLog(store);
        this.attestation = new AttestationTrustAdmin(store, clock);
    }

    /**
     * An admin API over {@code store}, on {@code clock}: for a host that uses the core alone. With a server, take
     * {@code HeartbeatServer.admin()}, which is this over the server's store and clock. The admin never hands its
     * store out: every audited change is one call of the store, in one transaction.
     *
     * @param store where the model and the audit log are kept
     * @param clock the time every change and audit record is stamped with
     * @return the admin API
     */
    public static HeartbeatAdmin of(HeartbeatStore store, Clock clock) {
        return new HeartbeatAdmin(Objects.requireNonNull(store, "store"), Objects.requireNonNull(clock, "clock"));
    }

    /**
     * Organizations: set-up and look-up.
     *
     * @return the organizations API
     */
    public Organizations organizations() {
        return organizations;
    }

    /**
     * The group tree and its security settings.
     *
     * @return the groups API
     */
    public Groups groups() {
        return groups;
    }

    /**
     * Access keys: which group a new agent joins.
     *
     * @return the access keys API
     */
    public AccessKeys accessKeys() {
        return accessKeys;
    }

    /**
     * Enrolled agents: look-ups, approvals, status changes.
     *
     * @return the agents API
     */
    public Agents agents() {
        return agents;
    }

    /**
     * The audit log, read-only.
     *
     * @return the audit API
     */
    public AuditLog audit() {
        return audit;
    }

    /**
     * The organizations' trust anchors for TPM 2.0-attested enrollment: manufacturer CAs and allow-listed endorsement
     * keys.
     *
     * @return the attestation trust API
     */
    public AttestationTrustAdmin attestation() {
        return attestation;
    }

    /**
     * The clock every change is stamped with.
     *
     * @return the clock given to {@link #of}
     */
    public Clock clock() {
        return clock;
    }
}
