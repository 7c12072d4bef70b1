package com.heartbeatrm.agent;

import com.heartbeatrm.agent.EnrollmentClientException.Kind;

import com.heartbeatrm.protocol.AgentCredentialVerifier;
import com.heartbeatrm.protocol.CredentialClaims;
import com.heartbeatrm.protocol.Ed25519Verifier;
import com.heartbeatrm.protocol.EnrollmentResponse;
import com.heartbeatrm.protocol.KeyEndorsement;
import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.protocol.SigningPublicKey;
import com.heartbeatrm.protocol.TokenException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether an answer's credential may become the agent's: it must verify against the pinned issuer keys, the
 * keys learned before or keys they endorse, and name this agent, its organization, key, generation and expiry.
 */
final class CredentialAcceptor {
    private static final Ed25519Verifier ED25519 = Ed25519Verifier.jdk();
    private final PinnedKeySet issuerKeys;
    private final Clock clock;

    CredentialAcceptor(PinnedKeySet issuerKeys, Clock clock) {
        this.issuerKeys = issuerKeys;
        this.clock = clock;
    }

    static void checkPlacement(EnrollmentResponse.Placement p, String organizationId, @Nullable String agentId)
            throws EnrollmentClientException {
        if (!p.organizationId().equals(organizationId)) {
            throw new EnrollmentClientException(Kind.MALFORMED_RESPONSE, "the answer names another organization than the installer's");
        }
        if (agentId != null && !p.agentId().equals(agentId)) {
            throw new EnrollmentClientException(Kind.MALFORMED_RESPONSE, "the answer names another agent");
        }
    }

    /** A verified credential, and the issuer keys the agent trusts after this answer (pinned ones excluded). */
    record Verified(CredentialClaims claims, List<SigningPublicKey> learned) {
    }

    /**
     * Verifies the credential against the pinned issuer keys, the keys this agent learned before, and any key the
     * answer endorses with one of those ({@link KeyEndorsement}): so a credential signed by a rotated key is
     * accepted exactly when a trusted key vouches for it.
     */
    Verified accept(EnrollmentResponse.Credentialed r, AgentIdentity identity) throws EnrollmentClientException {
        Map<String, SigningPublicKey> trusted = new LinkedHashMap<>();
        issuerKeys.keys().forEach(k -> trusted.put(k.keyId(), k));
        identity.learnedKeys().forEach(k -> trusted.putIfAbsent(k.keyId(), k));
        List<SigningPublicKey> learned = new ArrayList<>(identity.learnedKeys());
        boolean grew = true;
        // Endorsements may chain (A endorses B, B endorses C): repeat until nothing new is learned.
        while (grew) {
            grew = false;
            for (KeyEndorsement e : r.endorsements()) {
                SigningPublicKey endorser = trusted.get(e.endorsedBy());
                if (!trusted.containsKey(e.key().keyId()) && endorser != null && e.verifiedBy(endorser, ED25519)) {
                    trusted.put(e.key().keyId(), e.key());
                    learned.add(e.key());
                    grew = true;
                }
            }
        }
        while (learned.size() > PinnedKeySet.MAX_KEYS) {
            learned.remove(0);
        }
        CredentialClaims c;
        try {
            // An answer may repeat a credential issued before (a resent request, or an enrollment whose first answer
            // was lost), with its first expiry, which may have passed: such a credential is due for renewal at once.
            c = new AgentCredentialVerifier(kid -> Optional.ofNullable(trusted.get(kid)), clock, ED25519).verifyIgnoringExpiry(r.credential()).claims();
        } catch (TokenException e) {
            throw new EnrollmentClientException(Kind.BAD_CREDENTIAL, "the credential does not verify: " + e.reason(), e);
        }
        String problem = !c.issuer().equals(identity.issuer()) ? "another issuer"
                : !c.organizationId().equals(identity.organizationId()) ? "another organization"
                : !c.agentId().equals(r.placement().agentId()) ? "another agent"
                : !c.publicKeyFingerprint().equals(identity.keys().fingerprint()) ? "another agent key"
                : c.generation() != r.generation() ? "another generation than the answer"
                : !c.expiresAt().equals(r.credentialExpiresAt()) ? "another expiry than the answer"
                : null;
        if (problem != null) {
            throw new EnrollmentClientException(Kind.BAD_CREDENTIAL, "the credential names " + problem);
        }
        return new Verified(c, List.copyOf(learned));
    }

    /**
     * The pins to keep after an answer: the server's current ones when it sent some and the connection was pinned
     * (they arrived over a channel the old pins authenticated), else those held. An unpinned agent stays unpinned.
     */
    static List<String> pinsFrom(EnrollmentResponse.Credentialed r, List<String> held) {
        return held.isEmpty() || r.tlsPins().isEmpty() ? held : r.tlsPins();
    }
}
