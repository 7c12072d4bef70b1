package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.protocol.EnrollmentRequest;
import com.heartbeatrm.protocol.EnrollmentToken;
import com.heartbeatrm.protocol.RenewalRequest;
import com.heartbeatrm.core.Agent;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Optional;

/** A simulated agent computer for tests: its key pair, its facts, and the credential it holds. */
final class Agents {
    final AgentKeyPair keys;
    final AgentFacts facts;
    AgentCredential credential;

    Agents(String hostname, String platform) {
        this(AgentKeyPair.generate(), new AgentFacts(hostname, platform, "10.0.19045", "1.0.0", Optional.empty()));
    }

    private Agents(AgentKeyPair keys, AgentFacts facts) {
        this.keys = keys;
        this.facts = facts;
    }

    static Agents windows(String hostname) {
        return new Agents(hostname, "windows");
    }

    /** A Windows computer that reports a machine fingerprint. */
    static Agents onMachine(String hostname, String machineFingerprint) {
        return new Agents(AgentKeyPair.generate(), new AgentFacts(hostname, "windows", "10.0.19045", "1.0.0", Optional.of(machineFingerprint)));
    }

    /** A Windows computer whose agent key is ECDSA P-256 (a TPM's or a token's algorithm). */
    static Agents windowsP256(String hostname) {
        return new Agents(AgentKeyPair.generate(com.heartbeatrm.protocol.AgentKeyAlgorithm.ECDSA_P256),
                new AgentFacts(hostname, "windows", "10.0.19045", "1.0.0", Optional.empty()));
    }

    /** A copy of this computer's identity: same key pair, same credential, as a copied state directory gives. */
    Agents copy() {
        Agents c = new Agents(keys, facts);
        c.credential = credential;
        return c;
    }

    byte[] enrollBody(EnrollmentToken token, Clock clock) {
        return EnrollmentRequest.create(token, keys, facts, clock).toJson();
    }

    byte[] renewBody(Agent agent, Clock clock) {
        return RenewalRequest.create(agent.id().value(), agent.organizationId().value(), keys, Optional.ofNullable(credential), clock)
                .toJson();
    }

    /** Keeps the credential of a successful enrollment or renewal, as an agent does. */
    <T> T keep(T result) {
        if (result instanceof EnrollmentResult.Enrolled e) {
            credential = e.credential();
        } else if (result instanceof RenewalResult.Renewed r) {
            credential = r.credential();
        }
        return result;
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
