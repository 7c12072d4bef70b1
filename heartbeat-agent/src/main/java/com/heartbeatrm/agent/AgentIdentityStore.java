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
     * The stored identity, if there is one.
     *
     * @return the identity; empty when none is stored
     * @throws IOException the identity cannot be read, or is refused as unsafe or malformed
     */
    Optional<AgentIdentity> load() throws IOException;

    /**
     * Stores {@code identity}, replacing what was there, atomically.
     *
     * @param identity the identity to keep
     * @throws IOException it could not be stored; what was there before is still there
     */
    void save(AgentIdentity identity) throws IOException;

    /**
     * Forgets the identity (the agent enrolls afresh next time), and the enrollment key, if this store keeps one:
     * after {@code delete()} the next enrollment is a new agent. A store that wraps another must delegate the
     * enrollment-key methods as well, or it silently loses their protection.
     *
     * @throws IOException the identity or the kept key could not be deleted
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
     *
     * @param organizationId the organization the enrollment is into
     * @param keys           the key pair the enrollment is signed with
     * @throws IOException the key pair could not be kept
     */
    default void saveEnrollmentKey(String organizationId, AgentKeyPair keys) throws IOException {
    }

    /**
     * The key pair kept by {@link #saveEnrollmentKey} for {@code organizationId}; empty when none is kept for it.
     *
     * @param organizationId the organization of the enrollment
     * @return the kept key pair; empty when none is kept for that organization
     * @throws IOException the kept key cannot be read
     */
    default Optional<AgentKeyPair> enrollmentKey(String organizationId) throws IOException {
        return Optional.empty();
    }

    /**
     * Forgets the key pair kept by {@link #saveEnrollmentKey}.
     *
     * @throws IOException the kept key could not be deleted
     */
    default void deleteEnrollmentKey() throws IOException {
    }
}
