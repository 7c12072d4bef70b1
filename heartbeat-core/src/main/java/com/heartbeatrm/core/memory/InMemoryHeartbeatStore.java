package com.heartbeatrm.core.memory;

import com.heartbeatrm.core.spi.AbstractHeartbeatStore;


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
public final class InMemoryHeartbeatStore extends AbstractHeartbeatStore {
    private final TenantState state;

    /** An empty store. */
    public InMemoryHeartbeatStore() {
        this(new TenantState());
    }

    private InMemoryHeartbeatStore(TenantState state) {
        this(state, new InMemorySigningKeyStore(), new InMemoryThrottleStore(state));
    }

    private InMemoryHeartbeatStore(TenantState state, InMemorySigningKeyStore signingKeys, InMemoryThrottleStore throttles) {
        super(new InMemoryOrganizationStore(state), new InMemoryGroupStore(state), new InMemoryAccessKeyStore(state),
                new InMemoryAgentStore(state, signingKeys, throttles), new InMemoryAuditStore(state), new InMemoryInstallerStore(state),
                signingKeys, throttles, new InMemoryAttestationTrustStore(state));
        this.state = state;
    }

    @Override
    public String toString() {
        return "InMemoryHeartbeatStore[" + state.tenants.size() + " organizations]";
    }
}
