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
     *
     * @return the custody of this store's agent key
     */
    default AgentKeyCustody keyCustody() {
        return AgentKeyCustody.software();
    }

    /**
     * The stored identity, if there is one.
     *
     * @return the identity; empty when none is stored
     * @throws IOException the identity cannot be read, or is refused as malformed
     * @throws UnsafeStateException the state directory or a file in it is not the agent's own
     * @throws KeyCustodyException the key custody does not hold the recorded key, or cannot be used
     */
    Optional<AgentIdentity> load() throws IOException, UnsafeStateException, KeyCustodyException;

    /**
     * Stores {@code identity}, replacing what was there, atomically.
     *
     * @param identity the identity to keep
     * @throws IOException it could not be stored; what was there before is still there
     * @throws UnsafeStateException the state directory or a file in it is not the agent's own
     */
    void save(AgentIdentity identity) throws IOException, UnsafeStateException;

    /**
     * Forgets the identity (the agent enrolls afresh next time), and the enrollment key, if this store keeps one:
     * after {@code delete()} the next enrollment is a new agent. A store that wraps another must delegate the
     * enrollment-key methods as well, or it silently loses their protection.
     *
     * @throws IOException the identity or the kept key could not be deleted
     * @throws UnsafeStateException the state directory or a file in it is not the agent's own
     * @throws KeyCustodyException the custody could not destroy a key it holds, or cannot be used now
     */
    void delete() throws IOException, UnsafeStateException, KeyCustodyException;

    /**
     * Keeps the key pair of an enrollment into organization {@code organizationId} about to be sent, until the
     * enrolled identity is saved. When the answer is lost (a broken connection, a restart), the agent enrolls again
     * into that organization with this same key, and the server answers it with the agent it already made: no second
     * agent, no second use of the access key, and a single-use installer still works. {@link EnrollmentClient} calls
     * it before the first send and {@link #deleteEnrollmentKey} after saving the identity, or when the server refuses
     * the agent that key made (disabled, locked, approval expired). The default keeps nothing, so a store without
     * this protection still works; {@link FileAgentIdentityStore} keeps it in an owner-only file.
     *
     * @param organizationId the organization the enrollment is into
     * @param keys           the key pair the enrollment is signed with
     * @throws IOException the key pair could not be kept
     * @throws UnsafeStateException the state directory or a file in it is not the agent's own
     * @throws KeyCustodyException the custody could not destroy a key it holds, or cannot be used now
     */
    default void saveEnrollmentKey(String organizationId, CustodyKey keys) throws IOException, UnsafeStateException, KeyCustodyException {
    }

    /**
     * The key kept by {@link #saveEnrollmentKey} for {@code organizationId}; empty when none is kept for it.
     *
     * @param organizationId the organization of the enrollment
     * @return the kept key; empty when none is kept for that organization
     * @throws IOException the kept key cannot be read
     * @throws UnsafeStateException the state directory or a file in it is not the agent's own
     * @throws KeyCustodyException the key custody does not hold the recorded key, or cannot be used
     */
    default Optional<CustodyKey> enrollmentKey(String organizationId) throws IOException, UnsafeStateException, KeyCustodyException {
        return Optional.empty();
    }

    /**
     * Forgets the key pair kept by {@link #saveEnrollmentKey}.
     *
     * @throws IOException the kept key could not be deleted
     * @throws UnsafeStateException the state directory or a file in it is not the agent's own
     * @throws KeyCustodyException the custody could not destroy a key it holds, or cannot be used now
     */
    default void deleteEnrollmentKey() throws IOException, UnsafeStateException, KeyCustodyException {
    }
}
