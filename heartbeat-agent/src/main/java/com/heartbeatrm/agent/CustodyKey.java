package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentSigningKey;

/**
 * An agent key held by an {@link AgentKeyCustody}: it signs, tells its algorithm and public key, and says how its
 * custody finds it again. Prints redacted.
 */
public interface CustodyKey extends AgentSigningKey {
    /** {@return the {@link AgentKeyCustody#name()} of the custody that holds this key} */
    String custody();

    /**
     * What the state directory records so that {@link AgentKeyCustody#open} finds this key again (a fresh copy):
     * for the software custody the PKCS#8 private key itself, for PKCS#11 the token's serial and the key's label,
     * for a TPM its wrapped blob. Written only to the owner-only state; never printed.
     *
     * @return the reference, at most {@link AgentKeyCustody#MAX_REFERENCE_BYTES}; a secret for the software custody
     */
    byte[] reference();
}
