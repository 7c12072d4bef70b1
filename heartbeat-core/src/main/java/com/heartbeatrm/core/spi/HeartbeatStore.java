package com.heartbeatrm.core.spi;

/**
 * The storage SPI: one small repository per aggregate. An implementation must make every method atomic (all or
 * nothing) and must keep organizations apart: every lookup is scoped by organization id, and an object of
 * another organization is treated exactly like a missing one. {@code heartbeat-testkit} holds the conformance
 * kit that proves an implementation keeps these contracts, including under concurrency. Replay nonces are kept by
 * the store inside the enrollment and renewal steps ({@link AgentStore#enroll}, {@link AgentStore#renew}).
 */
public interface HeartbeatStore {
    /**
     * Organizations, each set up atomically with its root group and default key.
     *
     * @return the organization repository
     */
    OrganizationStore organizations();

    /**
     * The group trees.
     *
     * @return the group repository
     */
    GroupStore groups();

    /**
     * Access keys.
     *
     * @return the access key repository
     */
    AccessKeyStore accessKeys();

    /**
     * Agents, with the atomic enrollment and renewal steps.
     *
     * @return the agent repository
     */
    AgentStore agents();

    /**
     * The audit log.
     *
     * @return the audit repository
     */
    AuditStore audit();

    /**
     * Records of issued installers.
     *
     * @return the installer repository
     */
    InstallerStore installers();

    /**
     * Issuer signing keys, shared by the whole deployment.
     *
     * @return the signing key repository
     */
    SigningKeyStore signingKeys();

    /**
     * Failure counters and blocks, shared by every server node.
     *
     * @return the throttle repository
     */
    ThrottleStore throttles();

    /**
     * Each organization's trust anchors for TPM 2.0-attested enrollment. The in-memory and JDBC stores keep them; the
     * default, for a store written before they existed, is {@link AttestationTrustStore#none()}: no TPM is trusted and
     * changes fail.
     *
     * @return the trust anchor repository
     */
    default AttestationTrustStore attestationTrust() {
        return AttestationTrustStore.none();
    }
}
