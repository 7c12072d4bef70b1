package com.heartbeatrm.core.spi;

/**
 * The storage SPI: one small repository per aggregate. An implementation must make every method atomic (all or
 * nothing) and must keep organizations apart: every lookup is scoped by organization id, and an object of
 * another organization is treated exactly like a missing one. {@code heartbeat-testkit} holds the conformance
 * kit that proves an implementation keeps these contracts, including under concurrency. Replay nonces are kept by
 * the store inside the enrollment and renewal steps ({@link AgentStore#enroll}, {@link AgentStore#renew}).
 */
public interface HeartbeatStore {
    OrganizationStore organizations();

    GroupStore groups();

    AccessKeyStore accessKeys();

    AgentStore agents();

    AuditStore audit();

    InstallerStore installers();

    SigningKeyStore signingKeys();

    ThrottleStore throttles();
}
