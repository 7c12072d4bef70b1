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
}
