package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import java.util.Objects;

/** What every custody of this SDK shares: the name its state records and the algorithm of the keys it makes. */
abstract class NamedKeyCustody implements AgentKeyCustody {
    private final String name;
    private final AgentKeyAlgorithm algorithm;

    NamedKeyCustody(String name, AgentKeyAlgorithm algorithm) {
        this.name = Objects.requireNonNull(name, "name");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final AgentKeyAlgorithm algorithm() {
        return algorithm;
    }
}
