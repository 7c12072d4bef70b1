package com.heartbeatrm.agent;

import com.heartbeatrm.protocol.AgentKeyAlgorithm;
import java.nio.file.Path;
import java.util.Objects;

/** Agent keys on a PKCS#11 token through SunPKCS11 (see {@link AgentKeyCustody#pkcs11}). */
final class Pkcs11KeyCustody implements AgentKeyCustody {
    static final String NAME = "pkcs11";
    private final Path configuration;
    private final Path pinFile;
    private final AgentKeyAlgorithm algorithm;

    Pkcs11KeyCustody(Path configuration, Path pinFile, AgentKeyAlgorithm algorithm) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.pinFile = Objects.requireNonNull(pinFile, "pinFile");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AgentKeyAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public CustodyKey generate() throws KeyCustodyException {
        throw new KeyCustodyException(KeyCustodyException.Kind.UNAVAILABLE, "not yet: " + configuration + pinFile);
    }

    @Override
    public CustodyKey open(AgentKeyAlgorithm keyAlgorithm, byte[] publicKey, byte[] reference) throws KeyCustodyException {
        throw new KeyCustodyException(KeyCustodyException.Kind.UNAVAILABLE, "not yet");
    }
}
