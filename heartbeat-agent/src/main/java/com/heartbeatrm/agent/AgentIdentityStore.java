package com.heartbeatrm.agent;

import java.io.IOException;
import java.util.Optional;

/**
 * Where an agent keeps its {@link AgentIdentity} between runs. {@link FileAgentIdentityStore} is the default; an
 * agent may keep {@link AgentIdentity#toStateBytes()} in an OS key store or a TPM-sealed blob instead.
 * {@link #save} must replace the stored identity atomically: after a crash, either the old or the new one is there.
 */
public interface AgentIdentityStore {
    /** The stored identity, if there is one. */
    Optional<AgentIdentity> load() throws IOException;

    /** Stores {@code identity}, replacing what was there, atomically. */
    void save(AgentIdentity identity) throws IOException;

    /** Forgets the identity (the agent enrolls afresh next time). */
    void delete() throws IOException;

    /**
     * Keeps the key pair of an enrollment about to be sent, until the enrolled identity is saved. When the answer is
     * lost (a broken connection, a restart), the agent enrolls again with this same key, and the server answers it
     * with the agent it already made: no second agent, no second use of the access key, and a single-use installer
     * still works. {@link EnrollmentClient} calls it before the first send and {@link #deleteEnrollmentKey} after
     * saving the identity. The default keeps nothing, so a store without this protection still works;
     * {@link FileAgentIdentityStore} keeps it in an owner-only file.
     */
    default void saveEnrollmentKey(AgentKeyPair keys) throws IOException {
    }

    /** The key pair kept by {@link #saveEnrollmentKey}, if any. */
    default Optional<AgentKeyPair> enrollmentKey() throws IOException {
        return Optional.empty();
    }

    /** Forgets the key pair kept by {@link #saveEnrollmentKey}. */
    default void deleteEnrollmentKey() throws IOException {
    }
}
