package com.heartbeatrm.core.spi;

import java.util.Objects;

/**
 * A {@link HeartbeatStore} made of its repositories, given once: the accessors every implementation would
 * otherwise write again. The in-memory and JDBC stores extend it; a store of another kind may, or may implement
 * {@link HeartbeatStore} itself.
 */
public abstract class AbstractHeartbeatStore implements HeartbeatStore {
    private final OrganizationStore organizations;
    private final GroupStore groups;
    private final AccessKeyStore accessKeys;
    private final AgentStore agents;
    private final AuditStore audit;
    private final InstallerStore installers;
    private final SigningKeyStore signingKeys;
    private final ThrottleStore throttles;
    private final AttestationTrustStore attestationTrust;

    /**
     * A store of these repositories, none of them null.
     *
     * @param organizations the organizations
     * @param groups the group trees
     * @param accessKeys the access keys
     * @param agents the agents, with enrollment and renewal
     * @param audit the audit trail
     * @param installers the issued installers
     * @param signingKeys the token signing keys
     * @param throttles the per-key throttles
     */
    protected AbstractHeartbeatStore(OrganizationStore organizations, GroupStore groups, AccessKeyStore accessKeys, AgentStore agents,
            AuditStore audit, InstallerStore installers, SigningKeyStore signingKeys, ThrottleStore throttles) {
        this(organizations, groups, accessKeys, agents, audit, installers, signingKeys, throttles, AttestationTrustStore.none());
    }

    /**
     * A store of these repositories, none of them null, with attestation trust anchors.
     *
     * @param organizations the organizations
     * @param groups the group trees
     * @param accessKeys the access keys
     * @param agents the agents, with enrollment and renewal
     * @param audit the audit trail
     * @param installers the issued installers
     * @param signingKeys the token signing keys
     * @param throttles the per-key throttles
     * @param attestationTrust the organizations' trust anchors for TPM attestation
     */
    protected AbstractHeartbeatStore(OrganizationStore organizations, GroupStore groups, AccessKeyStore accessKeys, AgentStore agents,
            AuditStore audit, InstallerStore installers, SigningKeyStore signingKeys, ThrottleStore throttles,
            AttestationTrustStore attestationTrust) {
        this.organizations = Objects.requireNonNull(organizations, "organizations");
        this.groups = Objects.requireNonNull(groups, "groups");
        this.accessKeys = Objects.requireNonNull(accessKeys, "accessKeys");
        this.agents = Objects.requireNonNull(agents, "agents");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.installers = Objects.requireNonNull(installers, "installers");
        this.signingKeys = Objects.requireNonNull(signingKeys, "signingKeys");
        this.throttles = Objects.requireNonNull(throttles, "throttles");
        this.attestationTrust = Objects.requireNonNull(attestationTrust, "attestationTrust");
    }

    @Override
    public OrganizationStore organizations() {
        return organizations;
    }

    @Override
    public GroupStore groups() {
        return groups;
    }

    @Override
    public AccessKeyStore accessKeys() {
        return accessKeys;
    }

    @Override
    public AgentStore agents() {
        return agents;
    }

    @Override
    public AuditStore audit() {
        return audit;
    }

    @Override
    public InstallerStore installers() {
        return installers;
    }

    @Override
    public SigningKeyStore signingKeys() {
        return signingKeys;
    }

    @Override
    public ThrottleStore throttles() {
        return throttles;
    }

    @Override
    public AttestationTrustStore attestationTrust() {
        return attestationTrust;
    }
}
