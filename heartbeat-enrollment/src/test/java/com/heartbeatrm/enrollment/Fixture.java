package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.testkit.MutableClock;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/** A deployment with one organization, "Customer A" and its key, on the in-memory store (or the given one). */
final class Fixture {
    static final String ISSUER = "https://heartbeat.example";
    static final List<URI> ENDPOINTS = List.of(URI.create("https://heartbeat.example/v1/"));
    final Actor alice = Actor.of("alice");
    final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
    final HeartbeatStore store;
    final AesGcmKeyEncryptionKey kek = AesGcmKeyEncryptionKey.generate("test-kek");
    final HeartbeatServer server;
    final HeartbeatAdmin admin;
    final SigningKeys keys;
    final Installers installers;
    final NewOrganization acme;
    final Group customerA;
    final AccessKey keyA;

    Fixture() {
        this(new InMemoryHeartbeatStore(), EnrollmentPolicy.DEFAULTS);
    }

    Fixture(EnrollmentPolicy policy) {
        this(new InMemoryHeartbeatStore(), policy);
    }

    Fixture(HeartbeatStore store, EnrollmentPolicy policy) {
        this(store, policy, RetentionPolicy.DEFAULTS);
    }

    Fixture(RetentionPolicy retention) {
        this(new InMemoryHeartbeatStore(), EnrollmentPolicy.DEFAULTS, retention);
    }

    Fixture(HeartbeatStore store, EnrollmentPolicy policy, RetentionPolicy retention) {
        this.store = store;
        server = HeartbeatServer.builder(store, kek, ISSUER).clock(clock).policy(policy).retention(retention).endpoints(ENDPOINTS).build();
        admin = server.admin();
        keys = server.signingKeys();
        keys.ensureActiveKey();
        installers = server.installers();
        acme = admin.organizations().setUp(alice, "Acme MSP " + System.nanoTime());
        customerA = admin.groups().create(alice, acme.id(), acme.rootGroup().id(), "Customer A");
        keyA = admin.accessKeys().create(alice, acme.id(), AccessKeySpec.builder("Customer A Access Key", customerA.id()).build());
    }

    /** Another server node on the same store and key-encryption key, with its own caches. */
    HeartbeatServer otherNode() {
        return HeartbeatServer.builder(store, kek, ISSUER).clock(clock).policy(server.policy()).endpoints(ENDPOINTS).build();
    }

    IssuedToken issue() {
        return installers.issueToken(alice, acme.id(), keyA.id(), InstallerRequest.DEFAULTS);
    }

    /** Customer A now requires approval; an installer for its key. */
    IssuedToken issueRequiringApproval() {
        admin.groups().setOverride(alice, acme.id(), customerA.id(), SecuritySetting.REQUIRE_APPROVAL, true);
        return issue();
    }

    TokenCheck check(IssuedToken t) {
        return installers.check(t.token());
    }
}
