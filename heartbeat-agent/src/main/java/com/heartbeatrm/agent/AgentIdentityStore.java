package com.heartbeatrm.agent;

import java.io.IOException;
import java.util.Optional;

/**
 * Where an agent keeps its {@link AgentIdentity} between runs. {@link FileAgentIdentityStore} is the default; an
 * agent may keep {@link AgentIdentity#toStateBytes()} in an OS key store or a TPM-sealed blob instead.
 * {@link #save} must replace the stored identity atomically: after a crash, either the old or the new one is there.
 */
public interface AgentIdentityStore {
    /**
     * The custody that holds the agent's key: {@link EnrollmentClient} generates a new agent's key with it, and
     * the store finds the key again with it. The default is the software custody with Ed25519 keys.
     */
    default AgentKeyCustody keyCustody() {
        return AgentKeyCustody.software();
    }

    /** The stored identity, if there is one. */
    Optional<AgentIdentity> load() throws IOException;

    /** Stores {@code identity}, replacing what was there, atomically. */
    void save(AgentIdentity identity) throws IOException;

    /**
     * Forgets the identity (the agent enrolls afresh next time), and the enrollment key, if this store keeps one:
     * after {@code delete()} the next enrollment is a new agent. A store that wraps another must delegate the
     * enrollment-key methods as well, or it silently loses their protection.
     */
    void delete() throws IOException;

    /**
     * Keeps the key pair of an enrollment into organization {@code organizationId} about to be sent, until the
     * enrolled identity is saved. When the answer is lost (a broken connection, a restart), the agent enrolls again
     * into that organization with this same key, and the server answers it with the agent it already made: no second
     * agent, no second use of the access key, and a single-use installer still works. {@link EnrollmentClient} calls
     * it before the first send and {@link #deleteEnrollmentKey} after saving the identity, or when the server refuses
     * the agent that key made (disabled, locked, approval expired). The default keeps nothing, so a store without
     * this protection still works; {@link FileAgentIdentityStore} keeps it in an owner-only file.
     */
    default void saveEnrollmentKey(String organizationId, CustodyKey keys) throws IOException {
    }

    /** The key pair kept by {@link #saveEnrollmentKey} for {@code organizationId}; empty when none is kept for it. */
    default Optional<CustodyKey> enrollmentKey(String organizationId) throws IOException {
        return Optional.empty();
    }

    /** Forgets the key pair kept by {@link #saveEnrollmentKey}. */
    default void deleteEnrollmentKey() throws IOException {
    }
}
