package com.heartbeatrm.enrollment;

import com.heartbeatrm.protocol.AgentCredential;
import com.heartbeatrm.protocol.AgentCredentialVerifier;
import com.heartbeatrm.protocol.VerifiedCredential;
import com.heartbeatrm.protocol.CredentialClaims;
import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.protocol.EnrollmentResponse.Placement;
import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.protocol.TokenException;
import com.heartbeatrm.core.Agent;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.EffectiveSettings;
import com.heartbeatrm.core.OrganizationId;
import com.heartbeatrm.core.spi.HeartbeatStore;
import com.heartbeatrm.enrollment.internal.BcEd25519;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Agent credentials: minted by enrollment and renewal, and checked for the host's own agent-facing APIs with
 * {@link #check}. A credential is a PASETO {@code v4.public} under its own purpose, bound to the agent, its
 * organization and group, its public key and its generation.
 */
public final class AgentCredentials {
    private final HeartbeatStore store;
    private final SigningKeys keys;
    private final String issuer;
    private final Clock clock;
    private final java.util.function.Supplier<java.util.List<String>> tlsPins;

    AgentCredentials(HeartbeatStore store, SigningKeys keys, String issuer, Clock clock, java.util.function.Supplier<java.util.List<String>> tlsPins) {
        this.store = store;
        this.keys = keys;
        this.issuer = issuer;
        this.clock = clock;
        this.tlsPins = tlsPins;
    }

    /** A credential and its expiry. Holds the credential: prints redacted. */
    static final class Minted {
        final AgentCredential credential;
        final Instant expiresAt;
        /** The active key endorsed by the older ones, and the TLS pins of new installers: what the agent keeps. */
        final java.util.List<com.heartbeatrm.protocol.KeyEndorsement> endorsements;
        final java.util.List<String> tlsPins;

        Minted(AgentCredential credential, Instant expiresAt, java.util.List<com.heartbeatrm.protocol.KeyEndorsement> endorsements,
                java.util.List<String> tlsPins) {
            this.credential = credential;
            this.expiresAt = expiresAt;
            this.endorsements = endorsements;
            this.tlsPins = tlsPins;
        }

        /** The first credential's answer, for an agent of {@code generation}. */
        EnrollmentResponse.Enrolled enrolled(Placement placement, long generation) {
            return new EnrollmentResponse.Enrolled(placement, credential, expiresAt, generation, endorsements, tlsPins);
        }

        /** A renewal's answer. */
        EnrollmentResponse.Renewed renewed(Placement placement, long generation) {
            return new EnrollmentResponse.Renewed(placement, credential, expiresAt, generation, endorsements, tlsPins);
        }

        @Override
        public String toString() {
            return "Minted[redacted, expires " + expiresAt + "]";
        }
    }

    /**
     * The credential of the agent's current generation as it was issued, signed by the active key: its stored issue
     * and expiry times, so a repeated answer holds nothing the first did not. An agent stored before those times were
     * kept (or by an older node) gets its enrollment time as the issue time, and the group's TTL from there: never
     * later than its first answer. {@code settings} is resolved only for such an agent (resolving every setting along
     * the group path was a share of each renewal's CPU, for a value a stored agent does not need).
     */
    Minted mint(Agent agent, java.util.function.Supplier<EffectiveSettings> settings, Optional<String> activeKeyId) {
        Instant now = agent.credentialIssuedAt().orElse(agent.enrolledAt());
        Instant expires = agent.credentialExpiresAt().orElseGet(() -> now.plus(settings.get().agentCredentialTtl()));
        SigningKeys.ActiveKey signing = keys.active(activeKeyId);
        CredentialClaims claims = new CredentialClaims(issuer, agent.organizationId().value(), agent.id().value(), agent.groupId().value(),
                agent.publicKeyFingerprint(), agent.credentialGeneration(), now, expires);
        return new Minted(AgentCredential.sign(claims, signing.keyId, signing::sign), expires,
                keys.endorsementsOf(signing), tlsPins.get());
    }

    /** Verifies signature, purpose, issuer and claims, with the given key lookup; expiry is not checked here. */
    VerifiedCredential verify(AgentCredential credential, Function<String, Optional<SigningPublicKey>> lookup) throws TokenException {
        VerifiedCredential verified = new AgentCredentialVerifier(lookup, clock, BcEd25519.ISSUER_KEYS).verifyIgnoringExpiry(credential);
        if (!verified.claims().issuer().equals(issuer)) {
            throw new TokenException(TokenException.Reason.INVALID_CLAIMS, "the credential names another issuer");
        }
        return verified;
    }

    /**
     * Checks a credential an agent presents to the host: its signature against the signing keys the store has now,
     * its purpose and expiry, and its agent as stored now, which must exist, be ACTIVE, hold the same public key and
     * be at this generation. A disabled or locked agent's unexpired credential is refused at once.
     *
     * @param credential what the agent presented
     * @return valid with the claims and the agent, or denied with the reason; never throws for a bad credential
     */
    public CredentialCheck check(AgentCredential credential) {
        Objects.requireNonNull(credential, "credential");
        VerifiedCredential v;
        try {
            v = verify(credential, keys::publicKey);
        } catch (TokenException e) {
            return new CredentialCheck.Denied(DenialReason.CREDENTIAL_INVALID, e.reason().name());
        }
        CredentialClaims c = v.claims();
        if (!clock.instant().isBefore(c.expiresAt())) {
            return new CredentialCheck.Denied(DenialReason.CREDENTIAL_EXPIRED, "expired at " + c.expiresAt());
        }
        Optional<Agent> found = store.agents().find(OrganizationId.parse(c.organizationId()), AgentId.parse(c.agentId()));
        if (found.isEmpty() || !found.get().publicKeyFingerprint().equals(c.publicKeyFingerprint())) {
            return new CredentialCheck.Denied(DenialReason.AGENT_NOT_FOUND, "agent " + c.agentId());
        }
        Agent agent = found.get();
        if (agent.status() != AgentStatus.ACTIVE) {
            return new CredentialCheck.Denied(agent.status() == AgentStatus.LOCKED ? DenialReason.AGENT_LOCKED : DenialReason.AGENT_DISABLED,
                    "agent " + agent.id() + " is " + agent.status());
        }
        if (c.generation() != agent.credentialGeneration()) {
            return new CredentialCheck.Denied(DenialReason.CREDENTIAL_SUPERSEDED, "generation " + c.generation() + " of agent "
                    + agent.id() + " is not its current " + agent.credentialGeneration());
        }
        return new CredentialCheck.Valid(c, agent);
    }
}
