package com.heartbeatrm.enrollment;

import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.HeartbeatAdmin;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.core.memory.InMemoryHeartbeatStore;
import com.heartbeatrm.core.spi.HeartbeatStore;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/** A deployment with one organization, "Customer A" and its key, on the in-memory store. */
final class Fixture {
    static final String ISSUER = "https://heartbeat.example";
    static final List<URI> ENDPOINTS = List.of(URI.create("https://heartbeat.example/v1/enroll"));
    final Actor alice = Actor.of("alice");
    final TestClock clock = new TestClock(Instant.parse("2026-06-01T10:00:00Z"));
    final HeartbeatStore store;
    final HeartbeatAdmin admin;
    final AesGcmKeyEncryptionKey kek = AesGcmKeyEncryptionKey.generate("test-kek");
    final IssuerKeys keys;
    final EnrollmentTokens tokens;
    final TokenValidator validator;
    final NewOrganization acme;
    final Group customerA;
    final AccessKey keyA;

    Fixture() {
        this(new InMemoryHeartbeatStore());
    }

    Fixture(HeartbeatStore store) {
        this.store = store;
        admin = HeartbeatAdmin.builder().store(store).clock(clock).build();
        keys = IssuerKeys.create(store, kek, clock);
        keys.ensureActiveKey();
        tokens = EnrollmentTokens.builder(store, keys, ISSUER, ENDPOINTS).clock(clock).build();
        validator = TokenValidator.create(store, keys, ISSUER, clock);
        acme = admin.organizations().setUp(alice, "Acme MSP " + System.nanoTime());
        customerA = admin.groups().create(alice, acme.id(), acme.rootGroup().id(), "Customer A");
        keyA = admin.accessKeys().create(alice, acme.id(), AccessKeySpec.builder("Customer A Access Key", customerA.id()).build());
    }

    IssuedToken issue() {
        return tokens.issue(alice, acme.id(), keyA.id(), TokenRequest.DEFAULTS);
    }
}
