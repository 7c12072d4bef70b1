package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.spi.AccessKeyStore;
import com.heartbeatrm.core.spi.AgentStore;
import com.heartbeatrm.core.spi.AuditStore;
import com.heartbeatrm.core.spi.GroupStore;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.core.spi.InstallerStore;
import com.heartbeatrm.core.spi.OrganizationStore;
import com.heartbeatrm.core.spi.SigningKeyStore;
import com.heartbeatrm.core.spi.ThrottleStore;

/**
 * The thread-safe in-memory store, the default. Nothing survives the process.
 *
 * <p>Design: every organization is a {@code Tenant} guarded by its own monitor, and every SPI method runs
 * entirely inside that monitor, so each compound change (enroll = check key + count use + insert agent; move =
 * cycle check + re-parent; delete = blocker check + remove) is atomic and tenants never contend. Organization
 * creation alone takes a store-wide monitor for the name index. Values are immutable records, so reads hand
 * them out without copying. Each store of the SPI is a package-private class of its own over one shared
 * {@code TenantState}.
 */
public final class InMemoryHeartbeatStore implements HeartbeatStore {
    private final TenantState state = new TenantState();
    private final OrganizationStore organizations = new InMemoryOrganizationStore(state);
    private final GroupStore groups = new InMemoryGroupStore(state);
    private final AccessKeyStore keys = new InMemoryAccessKeyStore(state);
    private final AuditStore audit = new InMemoryAuditStore(state);
    private final InstallerStore installers = new InMemoryInstallerStore(state);
    private final InMemorySigningKeyStore signingKeys = new InMemorySigningKeyStore();
    private final InMemoryThrottleStore throttles = new InMemoryThrottleStore(state);
    private final AgentStore agents = new InMemoryAgentStore(state, signingKeys, throttles);

    /** An empty store. */
    public InMemoryHeartbeatStore() {
        // every part starts empty; the fields above say so
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
        return keys;
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
    public String toString() {
        return "InMemoryHeartbeatStore[" + state.tenants.size() + " organizations]";
    }
}
