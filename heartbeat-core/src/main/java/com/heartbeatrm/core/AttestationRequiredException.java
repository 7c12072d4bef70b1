package com.heartbeatrm.core;

/**
 * An admin change that would place an agent without a verified TPM attestation among the agents of a group whose
 * effective {@link SecuritySetting#ATTESTATION} is {@link AttestationRequirement#TPM}: moving it into that group, or
 * approving, enabling or unlocking it there. Enrollment refuses such an agent ({@code attestation_required}); so do
 * these admin paths, which reach the same state. The agent is left as it was: an admin may move it to a group that
 * does not require attestation, or deny or disable it.
 */
public class AttestationRequiredException extends ConflictException {
    private static final long serialVersionUID = 1L;
    /** The agent that is not attested. */
    private final AgentId agent;
    /** The group that requires attestation. */
    private final GroupId group;

    /**
     * An exception naming the agent, the group and what the admin tried.
     *
     * @param agent the agent without attestation
     * @param group the group whose effective setting requires it
     * @param groupPath the group's path, for the message
     * @param change what was refused, e.g. {@code "moved into"}
     */
    public AttestationRequiredException(AgentId agent, GroupId group, String groupPath, String change) {
        super("agent " + agent.value() + " is not TPM-attested and cannot be " + change + " group \"" + groupPath + "\""
                + ", which requires TPM attestation (attestation=tpm); move it to a group that does not, or deny or disable it");
        this.agent = agent;
        this.group = group;
    }

    /**
     * The agent that is not attested.
     *
     * @return its id
     */
    public AgentId agent() {
        return agent;
    }

    /**
     * The group whose effective settings require TPM attestation.
     *
     * @return its id
     */
    public GroupId group() {
        return group;
    }
}
