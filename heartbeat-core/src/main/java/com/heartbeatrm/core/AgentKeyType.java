package com.heartbeatrm.core;

import java.util.Optional;

/**
 * The algorithm of an agent's key, as the server keeps it: set at enrollment, and what every renewal's key must have.
 * The names are the protocol's ({@code keyAlgorithm} in the agent's requests).
 */
public enum AgentKeyType {
    /** Ed25519, the default. */
    ED25519("ed25519"),
    /** ECDSA over NIST P-256 with SHA-256: keys held in a TPM or on a PKCS#11 token. */
    ECDSA_P256("ecdsa-p256");

    private final String wireName;

    AgentKeyType(String wireName) {
        this.wireName = wireName;
    }

    /** {@return {@code ed25519} or {@code ecdsa-p256}: how the protocol, the stores and the admin API name it} */
    public String wireName() {
        return wireName;
    }

    /**
     * The type with exactly this name.
     *
     * @param name a wire name, as {@link #wireName()} gives it
     * @return the type; empty for anything else (names are case-sensitive)
     */
    public static Optional<AgentKeyType> ofWireName(String name) {
        for (AgentKeyType t : values()) {
            if (t.wireName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
