package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentKeyAlgorithm;

/** The private key in the owner-only state file: {@link AgentKeyPair}s, recorded by their PKCS#8 bytes. */
final class SoftwareKeyCustody extends NamedKeyCustody {
    static final String NAME = "file";

    SoftwareKeyCustody(AgentKeyAlgorithm algorithm) {
        super(NAME, algorithm);
    }

    @Override
    public CustodyKey generate() {
        return AgentKeyPair.generate(algorithm());
    }

    @Override
    public CustodyKey open(AgentKeyAlgorithm keyAlgorithm, byte[] publicKey, byte[] reference) throws KeyCustodyException {
        try {
            return AgentKeyPair.restore(keyAlgorithm, reference, publicKey);
        } catch (IllegalArgumentException e) {
            throw new KeyCustodyException(KeyCustodyException.Kind.NOT_FOUND, "the state's private key: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "AgentKeyCustody[file, " + algorithm().wireName() + "]";
    }
}
