package com.heartbeatrm.enrollment;

import com.heartbeatrm.agent.AgentFacts;
import com.heartbeatrm.agent.AgentKeyPair;
import com.heartbeatrm.agent.EnrollmentRequest;
import com.heartbeatrm.agent.EnrollmentToken;
import com.heartbeatrm.agent.RenewalRequest;
import com.heartbeatrm.core.Agent;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Optional;

/** A simulated agent computer for tests. */
final class Agents {
    final AgentKeyPair keys = AgentKeyPair.generate();
    final AgentFacts facts;

    Agents(String hostname, String platform) {
        this.facts = new AgentFacts(hostname, platform, "10.0.19045", "1.0.0", Optional.empty());
    }

    static Agents windows(String hostname) {
        return new Agents(hostname, "windows");
    }

    byte[] enrollBody(EnrollmentToken token, Clock clock) {
        return EnrollmentRequest.create(token, keys, facts, clock).toJson();
    }

    byte[] renewBody(Agent agent, Clock clock) {
        return RenewalRequest.create(agent.id().value(), agent.organizationId().value(), keys, clock).toJson();
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
